"""The whole recommendation procedure through the use-case layer, on a real SQLite file and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.consortium import publicity
from service.consortium.store.models import Consortium, Filing, PublicityNotice
from service.engine import instances, jobs
from service.engine.store import audit
from service.engine.store.models import Job, ProcessInstance
from service.errors import Forbidden, NotFound
from tests.support.procedure import MEMBER_LOGINS, MEMBERS, Walk


def consortium_of(ctx, walk: Walk) -> Consortium:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalars(
            sa.select(Consortium).where(Consortium.instance_id == walk.instance_id)
        ).one()


def instance_row(ctx, walk: Walk) -> ProcessInstance:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.get(ProcessInstance, walk.instance_id)


def actions(ctx, walk: Walk) -> list[str]:
    with ctx.unit_of_work(write=False) as uow:
        return [e.action for e in audit.list_events(uow.session, instance_id=walk.instance_id)]


def pass_publicity(ctx, clock, walk: Walk, *, decide: bool = True) -> None:
    """Let the publicity period end; with `decide`, the city clerk then confirms the filing."""
    with ctx.unit_of_work(write=False) as uow:
        notice = uow.session.scalars(sa.select(PublicityNotice)).one()
    clock.set(notice.ends_at + timedelta(seconds=1))
    assert jobs.fire_due_jobs(ctx) == 1
    if decide:
        walk.do("Task_FilingDecision")


def test_happy_path_from_initiation_to_filing(ctx, clock):
    walk = Walk(ctx)
    walk.start()
    assert consortium_of(ctx, walk).status == "draft"
    assert [t.element_id for t in walk.tasks_of("lead1")] == ["Task_Initiate"]
    assert walk.tasks_of("district1") == [] and walk.tasks_of("member1") == []

    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    # one confirmation per invited member, each visible only to that member's own users
    for member in MEMBERS:
        mine = walk.tasks_of(MEMBER_LOGINS[member["credit_code"]])
        assert [t.element_id for t in mine] == ["Task_ConfirmMembership"]
    assert walk.tasks_of("lead1") == []
    walk.confirm_all_members()
    for step in ("Task_SignAgreement", "Task_HireChiefExpert", "Task_DraftPlan", "Task_Submit"):
        walk.do(step)

    # the district clerk of the lead unit's district sees it; the other district's clerk does not
    assert [t.element_id for t in walk.tasks_of("district1")] == ["Task_DistrictReview"]
    assert walk.tasks_of("district2") == []
    review = walk.tasks_of("district1")[0]
    assert review.due_at is not None and review.due_at > clock.now()
    assert consortium_of(ctx, walk).status == "district_review"
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.expert_review()
    # each expert saw only its own sheet
    assert instance_row(ctx, walk).status == "active"
    walk.do("Task_Selection")

    record = consortium_of(ctx, walk)
    assert record.status == "publicity"
    pass_publicity(ctx, clock, walk, decide=False)
    # no objection: the city clerk decides the filing (issue 13 item 5), nothing is filed before
    assert walk.open_steps() == ["Task_FilingDecision"]
    assert consortium_of(ctx, walk).status == "filing_decision"
    walk.do("Task_FilingDecision")

    record = consortium_of(ctx, walk)
    assert record.status == "filed"
    assert record.name == "青岛高端智能装备创新联合体" and record.chief_expert_name == "刘海岳"
    assert sorted(m.status for m in record.members) == ["confirmed"] * 6  # the lead and five members
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing)).one()
        validity_job = uow.session.scalars(
            sa.select(Job).where(Job.instance_id == walk.instance_id, Job.kind == "timer")
        ).one()
    assert filing.valid_until == filing.valid_from.replace(year=filing.valid_from.year + 3)
    assert validity_job.element_id == "Timer_ValidityEnd"
    state = instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor("city1"))
    assert state["variables"]["filing_no"] == filing.filing_no
    assert state["variables"]["expert_score"] == pytest.approx(85.0)
    trail = actions(ctx, walk)
    for expected in (
        "instance.started",
        "task.created",
        "task.completed",
        "publicity.opened",
        "timer.fired",
        "filing.created",
    ):
        assert expected in trail
    with ctx.unit_of_work(write=False) as uow:
        assert audit.verify_chain(uow.session, walk.instance_id)


def test_expiry_is_driven_by_the_clock(ctx, clock):
    walk = Walk(ctx)
    walk.through_to_publicity()
    pass_publicity(ctx, clock, walk)
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing)).one()
    clock.set(clock.now() + timedelta(days=365 * 3 - 30))
    jobs.fire_due_jobs(ctx)  # validity reminders only (tests/deadlines)
    assert consortium_of(ctx, walk).status == "filed"
    clock.set(clock.now() + timedelta(days=60))
    assert jobs.fire_due_jobs(ctx) >= 1
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.get(Filing, filing.id).status == "expired"
    assert consortium_of(ctx, walk).status == "expired"
    row = instance_row(ctx, walk)
    assert row.status == "completed" and row.end_element_id == "End_Expired"


def test_district_return_and_resubmission(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do(
        "Task_DistrictReview", {
            "district_decision": "return", "district_opinion": "请补充成员单位营业执照",
            "returned_sections": [{"section": "plan.results", "reason": "预期成果不够具体"}],
        }
    )
    assert consortium_of(ctx, walk).status == "returned"
    assert walk.tasks_of("district1") == []
    returned = walk.tasks_of("lead1")
    assert [t.element_id for t in returned] == ["Task_CorrectForDistrict"]
    variables = instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor("lead1"))[
        "variables"
    ]
    assert variables["district_opinion"] == "请补充成员单位营业执照"
    results = "预期成果：申请发明专利二十五项，制定团体标准三项，形成国内领先的伺服驱动产品系列。"
    walk.do("Task_CorrectForDistrict", {"plan": {"results": results}, "correction_note": "已细化预期成果"})
    assert [t.element_id for t in walk.tasks_of("district1")] == ["Task_DistrictReview"]
    walk.do("Task_DistrictReview")
    assert [t.element_id for t in walk.tasks_of("city1")] == ["Task_CityReview"]


def test_member_decline_goes_back_to_the_lead_unit(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    walk.confirm_all_members(decline="member2")
    assert [t.element_id for t in walk.tasks_of("lead1")] == ["Task_InviteMembers"]
    statuses = {m.credit_code: m.status for m in consortium_of(ctx, walk).members}
    assert statuses[MEMBERS[1]["credit_code"]] == "declined"
    variables = instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor("lead1"))[
        "variables"
    ]
    declined = [m for m in variables["invited_members"] if m.get("decision") == "decline"]
    assert [m["reason"] for m in declined] == ["本单位暂无参与计划"]


def test_district_rejection_ends_the_application(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do(
        "Task_DistrictReview", {"district_decision": "reject", "district_opinion": "牵头单位不在本市注册"}
    )
    assert consortium_of(ctx, walk).status == "rejected"
    row = instance_row(ctx, walk)
    assert row.status == "completed" and row.end_element_id == "End_Rejected"
    assert walk.open_steps() == []


def test_upheld_objection_means_not_filed(ctx, clock):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    receipt = publicity.lodge_objection(
        ctx,
        application_no=walk.business_key,
        objector_name="赵某",
        contact="13800000000",
        reason="成员单位之一与牵头单位存在未披露的关联关系",
    )
    assert receipt.receipt_no.startswith("YY-")
    assert walk.tasks_of("city1") == []  # handled once the publicity period is over
    pass_publicity(ctx, clock, walk, decide=False)
    assert [t.element_id for t in walk.tasks_of("city1")] == ["Task_HandleObjection"]
    walk.handle_objection(
        receipt.receipt_no, {"objection_decision": "upheld", "objection_finding": "经核实异议成立"}
    )
    record = consortium_of(ctx, walk)
    assert record.status == "not_filed"
    assert instance_row(ctx, walk).end_element_id == "End_NotFiled"
    objections = publicity.list_objections(ctx, instance_id=walk.instance_id, actor=walk.actor("city1"))
    assert [(o.status, o.conclusion) for o in objections] == [("upheld", "经核实异议成立")]
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalars(sa.select(Filing)).all() == []


def test_dismissed_objection_continues_to_filing(ctx, clock):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    receipt = publicity.lodge_objection(
        ctx,
        application_no=walk.business_key,
        objector_name="钱某",
        objector_unit="某公司",
        contact="0532-12345678",
        reason="怀疑申报材料中的研发投入数据不实",
    )
    pass_publicity(ctx, clock, walk, decide=False)
    walk.handle_objection(receipt.receipt_no)
    assert walk.open_steps() == ["Task_FilingDecision"]
    walk.do("Task_FilingDecision")
    assert consortium_of(ctx, walk).status == "filed"


def test_scoping_hides_other_organisations_instances(ctx):
    walk = Walk(ctx)
    walk.start()
    assert instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor("lead1"))["id"]
    for outsider in ("member1", "district2", "expert1"):
        with pytest.raises(NotFound):
            instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor(outsider))
    with pytest.raises(Forbidden):
        instances.start_instance(ctx, key="consortium_recommendation", actor=walk.actor("district1"))


def test_stored_instance_holds_state_not_the_diagram(ctx, clock, record_property):
    walk = Walk(ctx)
    walk.through_to_publicity()
    pass_publicity(ctx, clock, walk)
    row = instance_row(ctx, walk)
    state = json.loads(row.state_json)
    assert "spec" not in state and "subprocess_specs" not in state
    size = len(row.state_json.encode())
    record_property("instance_state_bytes", size)
    print(f"stored state of one filed instance: {size} bytes (variables {len(row.variables_json.encode())})")
    assert size < 200_000
