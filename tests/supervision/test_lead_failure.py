"""Lead-unit failure: the lead loses its role, a member takes over, and the 3-year ban is enforced."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from service.clock import SHANGHAI, local_today
from service.consortium.demo import LEAD, ORGANISATIONS
from service.consortium.supervision import integrity, lead_failure, member_changes
from service.engine import identities, instances
from service.errors import InvalidInput
from tests.supervision.support import Steps, actor, consortium, filed_consortium

SUCCESSOR = ORGANISATIONS[1][0]
DECISION = {
    "finding": "failed",
    "finding_detail": "牵头单位连续两年未按协议投入研发经费，未组织开展联合攻关",
    "decision_document": "青科字〔2026〕12号",
    "next_step": "new_lead",
    "new_lead_credit_code": SUCCESSOR,
}


def fail_the_lead(ctx, consortium_id: int, **decision) -> Steps:
    started = lead_failure.open_lead_failure_case(ctx, actor=actor(ctx, "city1"), consortium_id=consortium_id)
    steps = Steps(ctx, started.id)
    steps.do("city1", "Task_DecideLeadFailure", {**DECISION, **decision})
    return steps


def test_failed_lead_is_replaced_and_banned_for_three_years(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    decided = local_today(clock.now())
    fail_the_lead(ctx, consortium_id)

    record = consortium(ctx, consortium_id=consortium_id)
    assert (record.status, record.lead_credit_code) == ("filed", SUCCESSOR)
    roles = {(m.credit_code, m.role): (m.status, m.effective_until) for m in record.members}
    assert roles[(LEAD, "lead")] == ("removed", decided)
    assert roles[(SUCCESSOR, "core")] == ("role_changed", decided)
    assert roles[(SUCCESSOR, "lead")] == ("confirmed", None)
    [entry] = integrity.list_integrity_records(ctx, actor=actor(ctx, "city1"), subject_id=LEAD)
    assert entry["restrictionUntil"] == decided.replace(year=decided.year + 3).isoformat()
    assert integrity.list_integrity_records(ctx, actor=actor(ctx, "lead1")) == [entry]  # its own record
    assert integrity.list_integrity_records(ctx, actor=actor(ctx, "member2")) == []

    clock.set(clock.now() + timedelta(days=365 * 2))
    with pytest.raises(InvalidInput) as refused:
        instances.start_instance(ctx, key="consortium_recommendation", actor=actor(ctx, "lead1"))
    message = str(refused.value)
    assert "青科字〔2026〕12号" in message and entry["restrictionUntil"] in message
    assert refused.value.fields["lead_credit_code"]

    last_day = date.fromisoformat(entry["restrictionUntil"])
    clock.set(datetime.combine(last_day, time(23, 59), tzinfo=SHANGHAI))
    with pytest.raises(InvalidInput):  # the last day of the ban still counts
        instances.start_instance(ctx, key="consortium_recommendation", actor=actor(ctx, "lead1"))
    clock.set(datetime.combine(last_day + timedelta(days=1), time(9), tzinfo=SHANGHAI))
    started = instances.start_instance(ctx, key="consortium_recommendation", actor=actor(ctx, "lead1"))
    assert started.business_key.startswith("CXLHT-")


def test_a_banned_unit_cannot_join_as_a_core_member(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    fail_the_lead(ctx, consortium_id)
    identities.add_user(
        ctx, user_id="lead2", password="demo1234", groups=["applicant"], org_credit_code=SUCCESSOR, actor=None
    )
    started = member_changes.start_member_change(ctx, actor=actor(ctx, "lead2"), consortium_id=consortium_id)
    steps = Steps(ctx, started.id)
    back = {"credit_code": LEAD, "name": ORGANISATIONS[0][1], "category": "enterprise", "role": "core"}
    proposal = {
        "reason": "原牵头单位申请回归",
        "effective_on": "2026-05-01",
        "agreement_summary": "恢复为核心层成员",
    }
    with pytest.raises(InvalidInput) as refused:
        steps.do("lead2", "Task_ProposeChange", {**proposal, "additions": [back]})
    [why] = refused.value.fields["additions"][0]["credit_code"]
    assert "不得作为核心层参与" in why
    steps.do("lead2", "Task_ProposeChange", {**proposal, "additions": [dict(back, role="general")]})
    assert steps.steps() == ["Task_MemberConsent"] * 4  # a general member is not restricted


def test_a_cleared_lead_keeps_its_role_and_a_revocation_ends_the_filing(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    fail_the_lead(ctx, consortium_id, finding="not_failed", next_step=None, new_lead_credit_code=None)
    assert consortium(ctx, consortium_id=consortium_id).lead_credit_code == LEAD
    assert integrity.list_integrity_records(ctx, actor=actor(ctx, "city1")) == []

    fail_the_lead(ctx, consortium_id, next_step="revoke", new_lead_credit_code=None)
    assert consortium(ctx, consortium_id=consortium_id).status == "revoked"
    assert date.fromisoformat(
        integrity.list_integrity_records(ctx, actor=actor(ctx, "city1"))[0]["restrictionUntil"]
    ) > local_today(clock.now())
