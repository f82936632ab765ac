"""Report A findings 4 and 5: a member change (补充协议, guideline 七（三）) opened before a revocation
(取消备案, 七（二）) went pending does not move forward while it is pending: consents and the bureau's
acknowledgement are refused (409 naming the evaluation), and a change whose effective date comes meanwhile
is held until the decision. Members leave and join on the effective date, not at acknowledgement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from service.clock import local_today
from service.consortium.store import supervision as store
from service.consortium.supervision import member_changes, overview
from service.engine import jobs
from service.engine.store.models import ProcessInstance
from service.errors import Conflict
from tests.rules.test_hearing import fail_evaluation, outcomes
from tests.supervision.support import Steps, actor, consortium
from tests.support.procedure import MEMBER_LOGINS, MEMBERS

LEAVING = MEMBERS[0]["credit_code"]
MAINTAIN = {
    "revocation_decision": "maintain",
    "maintain_basis": "review",
    "reviewed_facts": "专家评分表第三项合计计算错误，更正后得分为72分",
    "decision_reasons": "经复核专家评分存在计算错误，维持备案",
}


def at_midnight(day: date) -> datetime:
    """Just after 00:00 of `day` in Qingdao (UTC+8)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=8) + timedelta(seconds=1)


def open_removal(ctx, clock, consortium_id: int, effective_on: date, consenting=()) -> Steps:
    """The lead unit proposes that MEMBERS[0] leave on `effective_on`; `consenting` members agree."""
    started = member_changes.start_member_change(
        ctx, actor=actor(ctx, "lead1"), consortium_id=consortium_id, reason="战略调整，成员单位申请退出"
    )
    steps = Steps(ctx, started.id)
    steps.do("lead1", "Task_ProposeChange", {
        "removals": [LEAVING],
        "reason": "青岛北岸智能控制有限公司因战略调整申请退出",
        "effective_on": effective_on.isoformat(),
        "agreement_summary": "青岛北岸智能控制有限公司退出创新联合体，其承担的任务由牵头单位承接",
        "threshold_justification": "另有两家企业拟于下半年加入",
    })
    for login in consenting:
        steps.do(login, "Task_MemberConsent", {"consent_decision": "agree", "signer": f"{login} 法定代表人"})
    return steps


def status_of(ctx, consortium_id: int, code: str) -> tuple[str, date | None]:
    record = consortium(ctx, consortium_id=consortium_id)
    [member] = [m for m in record.members if m.credit_code == code and m.role != "lead"]
    return member.status, member.effective_until


def change_status(ctx, consortium_id: int) -> str:
    with ctx.unit_of_work(write=False) as uow:
        [change] = store.member_changes_of(uow.session, consortium_id)
        return change.status


def test_consents_are_refused_while_a_revocation_is_pending(ctx, clock):
    opened: dict[str, Steps] = {}
    logins = list(MEMBER_LOGINS.values())

    def before(consortium_id: int) -> None:
        effective = local_today(clock.now()) + timedelta(days=90)
        opened["change"] = open_removal(ctx, clock, consortium_id, effective, consenting=logins[:-1])

    steps, consortium_id = fail_evaluation(ctx, clock, after_filing=before)
    change = opened["change"]
    assert outcomes(ctx, consortium_id) == ["hearing"]
    with pytest.raises(Conflict) as refused:
        change.do(logins[-1], "Task_MemberConsent", {"consent_decision": "agree", "signer": "张经理"})
    message = str(refused.value)
    assert "拟取消备案" in message and "同意成员变更" in message
    assert "pending revocation" in message and steps.instance_id != change.instance_id
    with ctx.unit_of_work(write=False) as uow:
        business_key = uow.session.get(ProcessInstance, steps.instance_id).business_key
    assert business_key in message  # names the evaluation
    steps.do("lead1", "Task_StateCase", {"hearing_choice": "waive"})
    with pytest.raises(Conflict):  # the decision is still open
        change.do(logins[-1], "Task_MemberConsent", {"consent_decision": "agree", "signer": "张经理"})
    steps.do("city1", "Task_RevocationDecision", MAINTAIN)
    change.do(logins[-1], "Task_MemberConsent", {"consent_decision": "agree", "signer": "张经理"})
    change.do("city1", "Task_Acknowledge", {"ack_decision": "acknowledged"})
    assert change_status(ctx, consortium_id) == "acknowledged"


def test_acknowledgement_is_refused_while_a_revocation_is_pending_but_not_a_rejection(ctx, clock):
    opened: dict[str, Steps] = {}

    def before(consortium_id: int) -> None:
        effective = local_today(clock.now()) + timedelta(days=90)
        opened["change"] = open_removal(ctx, clock, consortium_id, effective,
                                       consenting=list(MEMBER_LOGINS.values()))

    steps, consortium_id = fail_evaluation(ctx, clock, after_filing=before)
    change = opened["change"]
    with pytest.raises(Conflict) as refused:
        change.do("city1", "Task_Acknowledge", {"ack_decision": "acknowledged"})
    assert "确认成员变更" in str(refused.value) and "acknowledge the member change" in str(refused.value)
    assert status_of(ctx, consortium_id, LEAVING) == ("confirmed", None)
    change.do("city1", "Task_Acknowledge",
              {"ack_decision": "rejected", "ack_opinion": "取消备案待决，不予确认"})
    assert change_status(ctx, consortium_id) == "rejected"
    assert status_of(ctx, consortium_id, LEAVING) == ("confirmed", None)


def test_a_change_due_while_a_revocation_is_pending_is_held_until_the_decision(ctx, clock):
    opened: dict[str, Any] = {}

    def before(consortium_id: int) -> None:
        opened["effective"] = effective = local_today(clock.now()) + timedelta(days=60)
        opened["change"] = open_removal(ctx, clock, consortium_id, effective,
                                       consenting=list(MEMBER_LOGINS.values()))
        opened["change"].do("city1", "Task_Acknowledge", {"ack_decision": "acknowledged"})
        # report A finding 5: acknowledged, but the member leaves only on the effective date
        assert status_of(ctx, consortium_id, LEAVING) == ("confirmed", None)
        assert change_status(ctx, consortium_id) == "acknowledged"

    steps, consortium_id = fail_evaluation(ctx, clock, after_filing=before)
    effective = opened["effective"]
    assert local_today(clock.now()) < effective and outcomes(ctx, consortium_id) == ["hearing"]
    clock.set(at_midnight(effective))
    jobs.fire_due_jobs(ctx)  # the hearing period has ended too: the decision is open
    assert steps.steps() == ["Task_RevocationDecision"]
    assert change_status(ctx, consortium_id) == "held"
    assert status_of(ctx, consortium_id, LEAVING) == ("confirmed", None)
    clock.set(clock.now() + timedelta(days=1))
    jobs.fire_due_jobs(ctx)
    assert change_status(ctx, consortium_id) == "held"  # still pending
    steps.do("city1", "Task_RevocationDecision", MAINTAIN)
    decided = local_today(clock.now())
    clock.set(at_midnight(decided + timedelta(days=1)))
    jobs.fire_due_jobs(ctx)
    assert change_status(ctx, consortium_id) == "applied"
    assert status_of(ctx, consortium_id, LEAVING) == ("withdrawn", decided + timedelta(days=1))


def test_a_change_due_while_a_revocation_is_pending_lapses_when_the_filing_is_revoked(ctx, clock):
    opened: dict[str, Any] = {}

    def before(consortium_id: int) -> None:
        opened["effective"] = local_today(clock.now()) + timedelta(days=60)
        opened["change"] = open_removal(ctx, clock, consortium_id, opened["effective"],
                                       consenting=list(MEMBER_LOGINS.values()))
        opened["change"].do("city1", "Task_Acknowledge", {"ack_decision": "acknowledged"})

    steps, consortium_id = fail_evaluation(ctx, clock, after_filing=before)
    steps.do("lead1", "Task_StateCase", {"hearing_choice": "waive"})
    steps.do("city1", "Task_RevocationDecision", {
        "revocation_decision": "revoke", "decision_reasons": "牵头单位放弃陈述申辩，评价结果不合格",
        "decision_document": "青科字〔2026〕12号"})
    clock.set(at_midnight(opened["effective"]))
    jobs.fire_due_jobs(ctx)
    assert change_status(ctx, consortium_id) == "lapsed"
    assert status_of(ctx, consortium_id, LEAVING) == ("confirmed", None)
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.get(ProcessInstance, opened["change"].instance_id).status == "completed"
    shown = overview.supervision_record(ctx, actor=actor(ctx, "city1"), consortium_id=consortium_id)
    assert shown["memberChanges"][0]["status"] == "lapsed"
