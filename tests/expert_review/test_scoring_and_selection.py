"""Rounds, score sheets, the aggregate, the ranking and the round's one selection and publicity."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.consortium.reviews import rounds, scoring, selection
from service.consortium.store.models import Consortium, PublicityNotice
from service.engine import instances
from service.errors import Conflict, InvalidInput
from tests.support.procedure import FORMS, Walk

from .support import open_round, walk_to_panel


def test_the_aggregate_is_the_mean_trimmed_from_five_experts():
    assert scoring.aggregate([90, 50, 70, 80, 61]) == (70.33, True)  # 50 and 90 dropped
    assert scoring.aggregate([90, 50, 70, 80]) == (72.5, False)
    assert scoring.aggregate([]) == (None, False)


def test_a_submission_outside_the_round_window_is_refused_with_the_window(ctx, clock):
    walk = Walk(ctx)
    walk.round_id = open_round(ctx, walk)
    walk.start()
    clock.advance(days=31)
    with pytest.raises(InvalidInput) as refused:
        walk.prepare_and_submit()
    assert "2026-03-01 09:00 至 2026-04-01 09:00" in str(refused.value)
    assert walk.tasks_of("lead1", "Task_Submit")  # still the applicant's to submit


def test_a_signed_sheet_is_locked(ctx):
    walk = walk_to_panel(ctx, open_round(ctx, Walk(ctx), panel_reserves=0))
    walk.draw_and_declare()
    for login in walk.panel:
        walk.do("Task_DeskReview", login=login)
    walk.do("Task_SiteVisitReport")
    expert = walk.actor(walk.panel[0])
    draft = {"significance": {"score": 30, "comment": "超出满分"}}
    with pytest.raises(InvalidInput) as wrong:
        scoring.save_sheet(ctx, panel_id=walk.panel_id, actor=expert, scores=draft)
    assert list(wrong.value.fields) == ["significance"]
    with pytest.raises(InvalidInput):  # incomplete sheets cannot be signed
        scoring.save_sheet(ctx, panel_id=walk.panel_id, actor=expert, scores={"goals": {"score": 10}})
        scoring.sign_sheet(ctx, panel_id=walk.panel_id, actor=expert, signature="签名")
    walk.sign_score_sheet(walk.panel[0])

    with pytest.raises(Conflict, match="锁定"):
        scoring.save_sheet(ctx, panel_id=walk.panel_id, actor=expert, scores=FORMS["Task_DefenseScoring"])
    with pytest.raises(Conflict):
        scoring.sign_sheet(ctx, panel_id=walk.panel_id, actor=expert, signature="再签")
    assert scoring.my_sheet(ctx, panel_id=walk.panel_id, actor=expert)["total"] == 85


def test_ranking_and_one_selection_start_one_publicity_for_the_round(ctx, clock):
    round_id = open_round(ctx, Walk(ctx))
    strong, weak = walk_to_panel(ctx, round_id), walk_to_panel(ctx, round_id)
    low = {
        k: {"score": v["score"] // 2, "comment": "基础薄弱"} for k, v in FORMS["Task_DefenseScoring"].items()
    }
    for walk, scores in ((strong, None), (weak, low)):
        walk.expert_review() if scores is None else _review(walk, scores)
    hidden = instances.get_instance(ctx, instance_id=weak.instance_id, actor=weak.actor("lead1"))["variables"]
    assert "panel" not in hidden and "defense_sheets" not in hidden

    ranked = scoring.ranking(ctx, round_id=round_id, actor=strong.actor("city1"))
    assert [(r["applicationNo"], r["rank"], r["score"], r["trimmed"]) for r in ranked] == [
        (strong.business_key, 1, 85.0, True),
        (weak.business_key, 2, 41.0, True),
    ]
    clock.advance(hours=2)
    decided = selection.decide_selection(ctx, round_id=round_id, actor=strong.actor("city1"))

    assert (decided["selected"], decided["notSelected"]) == ([strong.business_key], [weak.business_key])
    notice = selection.round_notice(ctx, round_id=round_id)
    assert [c["applicationNo"] for c in notice["consortia"]] == [strong.business_key]
    with ctx.unit_of_work(write=False) as uow:
        notices = list(uow.session.scalars(sa.select(PublicityNotice)))
        statuses = dict(uow.session.execute(sa.select(Consortium.application_no, Consortium.status)).all())
    assert [(n.start_date.isoformat(), n.end_date.isoformat()) for n in notices] == [
        (notice["start"], notice["end"])
    ]
    assert statuses[strong.business_key] == "publicity" and statuses[weak.business_key] == "not_selected"
    shown = instances.get_instance(ctx, instance_id=weak.instance_id, actor=weak.actor("lead1"))["variables"]
    assert "panel" not in shown  # who reviewed it stays hidden from the applicant after publication (F15)
    city = instances.get_instance(ctx, instance_id=weak.instance_id, actor=weak.actor("city1"))["variables"]
    assert sorted(city["panel"]) == sorted(weak.panel)
    with pytest.raises(Conflict):
        selection.decide_selection(ctx, round_id=round_id, actor=strong.actor("city1"))


def _review(walk: Walk, scores: dict) -> None:
    walk.draw_and_declare()
    for login in walk.panel:
        walk.do("Task_DeskReview", login=login)
    walk.do("Task_SiteVisitReport")
    for login in walk.panel:
        walk.sign_score_sheet(login, scores)


def test_the_round_needs_a_rubric_summing_to_100(ctx):
    walk = Walk(ctx)
    now = ctx.now()
    with pytest.raises(InvalidInput) as bad:
        rounds.open_round(
            ctx,
            actor=walk.actor("city1"),
            name="第二批",
            opens_at=now,
            closes_at=now + timedelta(days=1),
            rubric=[{"key": "a", "max": 90}],
        )
    assert list(bad.value.fields) == ["rubric"]
