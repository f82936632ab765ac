"""Member changes by supplementary agreement, and dissolution while a project is active."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from service.clock import local_today
from service.consortium.demo import ORGANISATIONS
from service.consortium.store import supervision as store
from service.consortium.supervision import member_changes, overview, projects
from service.engine import jobs
from service.engine.store.models import ProcessInstance
from service.errors import Conflict, Forbidden, InvalidInput
from tests.supervision.support import Steps, actor, consortium, filed_consortium
from tests.support.procedure import MEMBER_LOGINS, MEMBERS

NEWCOMER = {
    "credit_code": ORGANISATIONS[4][0],
    "name": ORGANISATIONS[4][1],
    "category": "enterprise",
    "role": "core",
}
PROPOSAL = {
    "reason": "承担市级关键技术攻关项目，需要工业软件单位加入",
    "effective_on": "2026-04-01",
    "agreement_summary": "新增青岛即墨工业软件有限公司为核心层成员，承担控制软件研发任务",
}


def propose(ctx, consortium_id: int, **change) -> Steps:
    started = member_changes.start_member_change(ctx, actor=actor(ctx, "lead1"), consortium_id=consortium_id)
    steps = Steps(ctx, started.id)
    steps.do("lead1", "Task_ProposeChange", {**PROPOSAL, **change})
    return steps


def consent(steps: Steps, login: str, decision: str = "agree") -> None:
    data = {"consent_decision": decision, "signer": f"{login} 法定代表人"}
    if decision == "refuse":
        data["reason"] = "该变更影响本单位承担的任务分工"
    steps.do(login, "Task_MemberConsent", data)


def members(ctx, consortium_id: int) -> dict[str, tuple[str, date | None, date | None]]:
    record = consortium(ctx, consortium_id=consortium_id)
    return {m.credit_code: (m.status, m.effective_from, m.effective_until) for m in record.members}


def test_member_added_with_every_members_consent_and_the_bureaus_acknowledgement(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    steps = propose(ctx, consortium_id, additions=[NEWCOMER])
    # every current member except the proposing lead unit is asked, each only its own sheet
    assert sorted(login for login in MEMBER_LOGINS.values() if steps.open(login)) == sorted(
        MEMBER_LOGINS.values()
    )
    for login in MEMBER_LOGINS.values():
        assert len(steps.open(login)) == 1
        consent(steps, login)
    assert NEWCOMER["credit_code"] not in members(ctx, consortium_id)  # not before the bureau acknowledges
    steps.do("city1", "Task_Acknowledge", {"ack_decision": "acknowledged"})
    # report A finding 5: acknowledged on a day before 2026-04-01, it joins on that date, not before
    assert local_today(clock.now()) < date(2026, 4, 1)
    assert NEWCOMER["credit_code"] not in members(ctx, consortium_id)
    pending = overview.supervision_record(ctx, actor=actor(ctx, "member1"), consortium_id=consortium_id)
    assert pending["memberChanges"][0]["status"] == "acknowledged"
    assert pending["memberChanges"][0]["effectiveOn"] == "2026-04-01"
    assert pending["memberChanges"][0]["additions"][0]["credit_code"] == NEWCOMER["credit_code"]
    clock.set(datetime(2026, 3, 31, 15, 59, tzinfo=UTC))  # 23:59 the day before, in Qingdao
    jobs.fire_due_jobs(ctx)
    assert NEWCOMER["credit_code"] not in members(ctx, consortium_id)
    clock.set(datetime(2026, 3, 31, 16, 0, 1, tzinfo=UTC))  # 00:00:01 on 2026-04-01
    jobs.fire_due_jobs(ctx)

    assert members(ctx, consortium_id)[NEWCOMER["credit_code"]] == ("confirmed", date(2026, 4, 1), None)
    with ctx.unit_of_work(write=False) as uow:
        [change] = store.member_changes_of(uow.session, consortium_id)
        assert (change.status, change.threshold_note) == ("applied", None)
        assert uow.session.get(ProcessInstance, steps.instance_id).end_element_id == "End_Applied"
    shown = overview.supervision_record(ctx, actor=actor(ctx, "member1"), consortium_id=consortium_id)
    assert shown["status"] == "filed" and shown["memberChanges"][0]["status"] == "applied"
    assert {
        "creditCode": NEWCOMER["credit_code"],
        "role": "core",
        "status": "confirmed",
        "effectiveFrom": "2026-04-01",
        "effectiveUntil": None,
    } in shown["membershipHistory"]


def test_one_refusal_ends_the_proposal_at_once(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    leaving = MEMBERS[0]["credit_code"]
    before = members(ctx, consortium_id)
    steps = propose(
        ctx, consortium_id, removals=[leaving], threshold_justification="另有两家企业拟于下半年加入"
    )
    consent(steps, "member2")
    consent(steps, "member3", decision="refuse")

    assert steps.steps() == []  # the remaining members are no longer asked
    assert members(ctx, consortium_id) == before
    with ctx.unit_of_work(write=False) as uow:
        [change] = store.member_changes_of(uow.session, consortium_id)
        assert (change.status, change.refused_by) == ("refused", MEMBERS[2]["credit_code"])
        assert change.refusal_reason == "该变更影响本单位承担的任务分工"
        assert uow.session.get(ProcessInstance, steps.instance_id).end_element_id == "End_Refused"


def test_a_removal_dated_in_the_future_leaves_on_that_date_and_one_dated_today_at_once(ctx, clock):
    """Report A finding 5: the member stays confirmed until the effective date; a date today applies at the
    acknowledgement."""
    _, consortium_id = filed_consortium(ctx, clock)
    leaving, second = MEMBERS[0]["credit_code"], MEMBERS[1]["credit_code"]
    later = local_today(clock.now()) + timedelta(days=10)
    steps = propose(ctx, consortium_id, removals=[leaving], effective_on=later.isoformat(),
                    threshold_justification="另有两家企业拟于下半年加入")
    for login in MEMBER_LOGINS.values():
        consent(steps, login)
    steps.do("city1", "Task_Acknowledge", {"ack_decision": "acknowledged"})
    assert members(ctx, consortium_id)[leaving] == ("confirmed", None, None)
    with pytest.raises(Conflict):  # one change at a time, until this one took effect
        member_changes.start_member_change(ctx, actor=actor(ctx, "lead1"), consortium_id=consortium_id)
    clock.set(datetime.combine(later, datetime.min.time(), tzinfo=UTC) - timedelta(hours=8, seconds=-1))
    jobs.fire_due_jobs(ctx)
    assert members(ctx, consortium_id)[leaving][0::2] == ("withdrawn", later)
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.get(ProcessInstance, steps.instance_id).end_element_id == "End_Applied"

    today = local_today(clock.now())
    steps = propose(ctx, consortium_id, removals=[second], effective_on=today.isoformat(),
                    threshold_justification="另有两家企业拟于下半年加入")
    for login in list(MEMBER_LOGINS.values())[1:]:
        consent(steps, login)
    steps.do("city1", "Task_Acknowledge", {"ack_decision": "acknowledged"})
    assert members(ctx, consortium_id)[second][0::2] == ("withdrawn", today)  # at once


def test_only_the_lead_unit_proposes_and_thresholds_need_a_justification(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    with pytest.raises(Forbidden):
        member_changes.start_member_change(ctx, actor=actor(ctx, "member1"), consortium_id=consortium_id)
    started = member_changes.start_member_change(ctx, actor=actor(ctx, "lead1"), consortium_id=consortium_id)
    steps = Steps(ctx, started.id)

    with pytest.raises(InvalidInput) as refused:
        steps.do("lead1", "Task_ProposeChange", {**PROPOSAL, "removals": [MEMBERS[0]["credit_code"]]})
    assert "threshold_justification" in refused.value.fields  # two enterprises would remain


def test_dissolution_is_refused_while_a_project_is_active(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    project_id = projects.record_project(
        ctx,
        actor=actor(ctx, "city1"),
        consortium_id=consortium_id,
        project_no="23-1-1-zdyf-8-gx",
        name="高精度伺服驱动关键技术攻关",
        level="city",
        started_on=date(2026, 3, 1),
    )
    with pytest.raises(Conflict) as refused:
        projects.request_dissolution(
            ctx, actor=actor(ctx, "lead1"), consortium_id=consortium_id, reason="战略调整"
        )
    assert "高精度伺服驱动关键技术攻关" in str(refused.value) and "23-1-1-zdyf-8-gx" in str(refused.value)
    assert consortium(ctx, consortium_id=consortium_id).status == "filed"

    projects.complete_project(ctx, actor=actor(ctx, "city1"), project_id=project_id)
    outcome = projects.request_dissolution(
        ctx, actor=actor(ctx, "lead1"), consortium_id=consortium_id, reason="战略调整"
    )
    assert outcome["status"] == "dissolved"
    assert consortium(ctx, consortium_id=consortium_id).status == "dissolved"
