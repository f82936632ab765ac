"""Recusal and panels: the draw screens conflicts, hides the application from conflicted experts, and
replaces an expert whose conflict surfaces later."""

from __future__ import annotations

import json
from datetime import date

import pytest

from service.consortium.demo import ORGANISATIONS
from service.consortium.reviews import experts, panel_access, panels
from service.engine import instances, tasks
from service.engine.store import audit
from service.errors import Forbidden, NotFound
from tests.support.procedure import LEAD

from .support import add_experts, declare_all, open_round, walk_to_panel

MEMBER = ORGANISATIONS[1][0]  # 青岛链上精密部件有限公司, a member of the walk's consortium


def test_past_affiliation_two_years_ago_excludes_and_four_years_ago_allows(ctx, clock):
    add_experts(ctx, ["expert6", "expert7"])
    today = clock.now().date()
    experts.add_affiliation(
        ctx,
        actor=_city(ctx),
        expert_id="expert6",
        credit_code=MEMBER,
        since=date(2015, 1, 1),
        until=today.replace(year=today.year - 2),
    )
    experts.add_affiliation(
        ctx,
        actor=_city(ctx),
        expert_id="expert7",
        credit_code=MEMBER,
        since=date(2015, 1, 1),
        until=today.replace(year=today.year - 4),
    )
    walk = walk_to_panel(ctx, open_round(ctx, _walk(ctx)))

    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key, actor=_city(ctx))

    check = panels.verify_draw(ctx, panel_id=drawn["panelId"], actor=_city(ctx))
    assert "expert6" not in check["candidates"] and "expert6" not in drawn["drawn"]
    assert "3 years" in " ".join(check["excluded"]["expert6"])
    assert "expert7" in check["candidates"] and "expert7" not in check["excluded"]
    assert check["matches"] and check["recomputed"] == drawn["drawn"]


def test_a_conflicted_expert_gets_not_found_for_the_application(ctx):
    add_experts(ctx, ["expert6"])
    experts.add_affiliation(
        ctx, actor=_city(ctx), expert_id="expert1", credit_code=LEAD, since=date(2020, 1, 1)
    )
    walk = walk_to_panel(ctx, open_round(ctx, _walk(ctx), panel_reserves=0))
    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key, actor=_city(ctx))
    assert "expert1" not in drawn["drawn"]
    declare_all(ctx, walk, drawn["panelId"], drawn["drawn"])

    seated = drawn["drawn"][0]
    assert panel_access.review_file(ctx, application_no=walk.business_key, actor=walk.actor(seated))["plan"]
    conflicted = walk.actor("expert1")
    with pytest.raises(NotFound):
        panel_access.review_file(ctx, application_no=walk.business_key, actor=conflicted)
    with pytest.raises(NotFound):
        instances.get_instance(ctx, instance_id=walk.instance_id, actor=conflicted)
    with pytest.raises(NotFound):
        panel_access.describe_panel(ctx, panel_id=drawn["panelId"], actor=conflicted)
    assert walk.tasks_of("expert1") == []


def test_a_late_conflict_removes_the_expert_and_seats_a_replacement(ctx):
    add_experts(ctx, ["expert6", "expert7"])
    walk = walk_to_panel(ctx, open_round(ctx, _walk(ctx)))
    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key, actor=_city(ctx))
    members, reserves = drawn["drawn"][:5], drawn["drawn"][5:]
    declare_all(ctx, walk, drawn["panelId"], members)
    late = members[0]
    [desk] = walk.tasks_of(late, "Task_DeskReview")

    # the bureau learns the expert took a post at the lead unit: recording it removes the expert
    view = experts.add_affiliation(
        ctx, actor=_city(ctx), expert_id=late, credit_code=LEAD, since=date(2026, 1, 1)
    )

    assert view["removedFromPanels"] == [walk.business_key]
    replacement = reserves[0]
    with pytest.raises(NotFound):
        instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor(late))
    assert walk.tasks_of(late) == []
    assert [t.id for t in walk.tasks_of(replacement, "Task_DeskReview")] == [desk.id]
    with pytest.raises(Forbidden):  # no material before the replacement signs its declaration
        tasks.complete_task(
            ctx, task_id=desk.id, actor=walk.actor(replacement), data={"opinion": "同意", "recommend": True}
        )
    declare_all(ctx, walk, drawn["panelId"], [replacement])
    walk.do("Task_DeskReview", login=replacement)
    for login in members[1:]:
        walk.do("Task_DeskReview", login=login)
    walk.do("Task_SiteVisitReport")
    assert sorted(t.assignee for t in walk.tasks_of("city1", "Task_DefenseScoring")) == sorted(
        [replacement, *members[1:]]
    )
    with ctx.unit_of_work(write=False) as uow:
        trail = [
            (e.action, json.loads(e.detail_json))
            for e in audit.list_events(uow.session, instance_id=walk.instance_id)
        ]
    assert ("panel.expert_removed", late) in [(a, d.get("expert")) for a, d in trail]
    assert ("panel.replacement_seated", replacement) in [(a, d.get("by")) for a, d in trail]
    assert [d["panel"] for a, d in trail if a == "panel.declared"].count(drawn["panelId"]) == 6


def test_a_declared_conflict_seats_the_next_reserve_before_the_review_starts(ctx):
    add_experts(ctx, ["expert6"])
    walk = walk_to_panel(ctx, open_round(ctx, _walk(ctx), panel_reserves=1))
    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key, actor=_city(ctx))
    first, others, reserve = drawn["drawn"][0], drawn["drawn"][1:5], drawn["drawn"][5]
    declare_all(ctx, walk, drawn["panelId"], others)
    result = panels.declare(
        ctx,
        panel_id=drawn["panelId"],
        actor=walk.actor(first),
        no_conflict=False,
        statement="配偶在牵头单位任职",
        signature=first,
    )
    assert result["status"] == "removed" and walk.tasks_of(reserve) == []
    declare_all(ctx, walk, drawn["panelId"], [reserve])
    assert sorted(t.assignee for t in walk.tasks_of("city1", "Task_DeskReview")) == sorted([*others, reserve])


def _walk(ctx):
    from tests.support.procedure import Walk

    return Walk(ctx)


def _city(ctx):
    return _walk(ctx).actor("city1")
