"""A credit record that acts (issue 14, item 8; guideline 七（三）（四）): automatic entries, persons
checked, a ban reaching an existing role, referral to the judicial authorities, no open-ended entry."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from scheduler.runner import JobRunner
from service.clock import local_today
from service.consortium import publicity
from service.consortium.demo import LEAD, ORGANISATIONS
from service.consortium.supervision import integrity, lead_failure
from service.consortium.supervision.integrity import IntegrityEvent
from service.errors import InvalidInput
from tests.supervision.support import Steps, actor, consortium, filed_consortium
from tests.support.procedure import FORMS, Walk

SUCCESSOR = ORGANISATIONS[1][0]
CHIEF_ID = FORMS["Task_HireChiefExpert"]["chief_expert"]["id_number"]


def event(**changes) -> IntegrityEvent:
    base = dict(
        subject_kind="org",
        subject_id=LEAD,
        subject_name="青岛海智装备科技有限公司",
        record_type="dishonesty",
        description="科研项目结题材料中伪造测试报告",
        decision_document="青科字〔2026〕30号",
        decided_on=date(2026, 3, 2),
    )
    return IntegrityEvent(**{**base, **changes})


def test_an_objection_upheld_for_false_materials_enters_the_lead_unit(ctx, clock):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    publicity.lodge_objection(
        ctx,
        application_no=walk.business_key,
        objector_name="赵某",
        contact="13800000000",
        reason="申报材料中的研发投入数据系伪造",
    )
    walk.end_publicity(clock)
    upheld = {
        "objection_decision": "upheld",
        "objection_finding": "经核实，研发投入审计报告系伪造",
        "false_materials": True,
    }
    with pytest.raises(InvalidInput) as refused:
        walk.do("Task_HandleObjection", upheld)
    assert refused.value.fields["finding_document"] == [
        "查实弄虚作假须填写处理决定文号 / Give the decision document number."
    ]
    assert integrity.list_integrity_records(ctx, actor=actor(ctx, "city1"), subject_id=LEAD) == []
    walk.do("Task_HandleObjection", {**upheld, "finding_document": "青科字〔2026〕21号"})
    [entry] = integrity.list_integrity_records(ctx, actor=actor(ctx, "city1"), subject_id=LEAD)
    assert (entry["type"], entry["decisionDocument"], entry["restriction"]) == (
        "falsification",
        "青科字〔2026〕21号",
        "none",
    )


def test_a_dismissed_objection_or_one_upheld_for_other_reasons_enters_nothing(ctx, clock):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    publicity.lodge_objection(
        ctx,
        application_no=walk.business_key,
        objector_name="赵某",
        contact="13800000000",
        reason="成员单位存在未披露的关联关系",
    )
    walk.end_publicity(clock)
    walk.do("Task_HandleObjection", {"objection_decision": "upheld", "objection_finding": "关联关系属实"})
    assert integrity.list_integrity_records(ctx, actor=actor(ctx, "city1"), subject_id=LEAD) == []


def test_a_restricted_person_cannot_be_hired_as_chief_expert(ctx):
    integrity.record_integrity_event(
        ctx,
        actor=actor(ctx, "city1"),
        event=event(
            subject_kind="person",
            subject_id=CHIEF_ID,
            subject_name="刘海岳",
            restriction_until=date(2028, 3, 1),
        ),
    )
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    walk.confirm_all_members()
    walk.do("Task_SignAgreement")
    with pytest.raises(InvalidInput) as refused:
        walk.do("Task_HireChiefExpert")
    assert refused.value.fields["chief_expert"]["id_number"] == [
        "刘海岳因失信行为已记入科研信用档案（青科字〔2026〕30号），"
        "2028-03-01（含）前不得担任首席专家参与创新联合体 / "
        "刘海岳 is in the research credit record (青科字〔2026〕30号, dishonesty) and may not be the chief "
        "expert of a consortium until 2028-03-01 inclusive."
    ]


def test_a_restriction_needs_an_end_date_or_says_permanent(ctx):
    city = actor(ctx, "city1")
    with pytest.raises(InvalidInput) as refused:
        integrity.record_integrity_event(ctx, actor=city, event=event(restricts=True))
    assert refused.value.fields["restriction_until"] == [
        "限制须有截止日期，或明确为永久限制 / A restriction needs an end date or must be marked permanent"
    ]
    with pytest.raises(InvalidInput):
        integrity.record_integrity_event(
            ctx, actor=city, event=event(permanent=True, restriction_until=date(2030, 1, 1))
        )
    integrity.record_integrity_event(ctx, actor=city, event=event(subject_id=SUCCESSOR, permanent=True))
    [entry] = integrity.list_integrity_records(ctx, actor=city, subject_id=SUCCESSOR)
    assert entry["permanent"] is True and entry["restrictionUntil"] is None
    with ctx.unit_of_work(write=False) as uow:  # permanent: still in force a lifetime later
        refusal = integrity.restriction_refusal(uow.session, SUCCESSOR, date(2099, 1, 1), as_what="lead")
    assert refusal is not None and "永久不得牵头组建" in refusal


def test_a_referral_to_the_judicial_authorities_is_recorded_with_whom_and_when(ctx):
    city = actor(ctx, "city1")
    with pytest.raises(InvalidInput) as refused:
        integrity.record_integrity_event(ctx, actor=city, event=event(record_type="judicial_referral"))
    assert set(refused.value.fields) == {"referral_authority", "referred_on"}
    integrity.record_integrity_event(
        ctx,
        actor=city,
        event=event(
            record_type="judicial_referral",
            referral_authority="青岛市公安局崂山分局",
            referred_on=date(2026, 3, 5),
        ),
    )
    [entry] = integrity.list_integrity_records(ctx, actor=city, subject_id=LEAD)
    assert (entry["type"], entry["referralAuthority"], entry["referredOn"]) == (
        "judicial_referral",
        "青岛市公安局崂山分局",
        "2026-03-05",
    )


def _two_filed(ctx, clock) -> tuple[int, int]:
    _, first = filed_consortium(ctx, clock)
    _, second = filed_consortium(ctx, clock)
    assert consortium(ctx, consortium_id=second).lead_credit_code == LEAD
    return first, second


def test_a_ban_from_a_failure_reaches_the_banned_leads_other_consortium(ctx, clock):
    first, second = _two_filed(ctx, clock)
    case = lead_failure.open_lead_failure_case(ctx, actor=actor(ctx, "city1"), consortium_id=first)
    Steps(ctx, case.id).do(
        "city1",
        "Task_DecideLeadFailure",
        {
            "finding": "failed",
            "finding_detail": "牵头单位连续两年未按协议投入研发经费",
            "decision_document": "青科字〔2026〕12号",
            "next_step": "new_lead",
            "new_lead_credit_code": SUCCESSOR,
        },
    )
    assert consortium(ctx, consortium_id=second).lead_credit_code == LEAD  # until the scheduler looks

    runner = JobRunner(ctx, safety_interval=3600)
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not integrity_cases(ctx, second):
            time.sleep(0.2)
    finally:
        runner.stop()
    [opened] = integrity_cases(ctx, second)
    steps = Steps(ctx, opened)
    assert steps.steps() == ["Task_DecideLeadFailure"]
    steps.do(
        "city1",
        "Task_DecideLeadFailure",
        {
            "finding": "failed",
            "finding_detail": "原牵头单位已列入科研信用档案，三年内不得牵头",
            "decision_document": "青科字〔2026〕13号",
            "next_step": "revoke",
        },
    )
    assert consortium(ctx, consortium_id=second).status == "revoked"
    assert lead_cases_opened_again(ctx) == []  # nothing left to reach


def test_a_ban_entered_by_hand_reaches_the_existing_role_at_once(ctx, clock):
    first, second = _two_filed(ctx, clock)
    integrity.record_integrity_event(
        ctx,
        actor=actor(ctx, "city1"),
        event=event(
            decided_on=local_today(clock.now()),
            restriction_until=local_today(clock.now()) + timedelta(days=365),
        ),
    )
    opened = [i for c in (first, second) for i in integrity_cases(ctx, c)]
    assert len(opened) == 2  # one case per consortium it leads
    assert lead_cases_opened_again(ctx) == []  # a second look opens none while those are open


def integrity_cases(ctx, consortium_id: int) -> list[str]:
    import sqlalchemy as sa

    from service.engine.store.models import ProcessInstance

    record = consortium(ctx, consortium_id=consortium_id)
    with ctx.unit_of_work(write=False) as uow:
        return list(
            uow.session.scalars(
                sa.select(ProcessInstance.id).where(
                    ProcessInstance.definition_key == "lead_unit_failure",
                    ProcessInstance.status != "completed",
                    ProcessInstance.business_key.like(f"QTSZ-{record.application_no}-%"),
                )
            )
        )


def lead_cases_opened_again(ctx) -> list[str]:
    from service.actors import SYSTEM
    from service.consortium.supervision.ban_reach import open_cases_for_restricted_leads

    return open_cases_for_restricted_leads(ctx, actor=SYSTEM)
