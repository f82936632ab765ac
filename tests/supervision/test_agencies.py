"""Third-party evaluation agencies (guideline 七（二）: 组织专家或委托第三方评估机构实施; issue 14 item 12)
through the use cases: the city bureau registers agencies; an evaluation is entrusted to one instead of an
expert panel; only that agency's staff see and record it (score, grade, report); an unqualified result
then takes the normal course (陈述申辩 → 取消备案)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from service.clock import local_today
from service.consortium.demo import AGENCY, ORGANISATIONS
from service.consortium.supervision import agencies, evaluations
from service.consortium.supervision.evaluations import RoundSettings
from service.engine import browse, jobs, tasks
from service.engine.identities import add_user
from service.engine.store import audit
from service.engine.store.models import AuditEvent
from service.engine.uploads import Upload, store_for_task
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.supervision.support import SELF_REPORT, Steps, actor, consortium, filed_consortium
from tests.support.documents import pdf

SETTINGS = RoundSettings(title="2026年度创新联合体绩效评价", data_from=date(2025, 1, 1),
                         data_until=date(2025, 12, 31))  # a period that has ended (breakit F13)
OTHER_AGENCY, OTHER_NAME = "91370212MA3C10103N", "青岛崂信评估咨询有限公司"  # registered in the tests
QUALIFICATION = "具有科技评估资质，近三年完成区级以上绩效评价项目二十余项"


def checked(ctx, clock) -> tuple[Steps, int]:
    """A filed consortium whose evaluation waits for the city to assign its evaluators."""
    _, consortium_id = filed_consortium(ctx, clock)
    opened = evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=SETTINGS)
    steps = Steps(ctx, opened["instances"][0])
    steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    return steps, consortium_id


def second_agency(ctx) -> None:
    """Another registered agency with a user of its own (`agency2`)."""
    agencies.register_agency(ctx, actor=actor(ctx, "city1"), credit_code=OTHER_AGENCY, name=OTHER_NAME,
                             category="enterprise", district="崂山区", qualification=QUALIFICATION)
    add_user(ctx, user_id="agency2", password="demo1234", groups=["evaluation_agency"],
             display_name="崂信 评价员", org_credit_code=OTHER_AGENCY, actor=actor(ctx, "admin"))


def result(ctx, steps: Steps, login: str, score: float, grade: str, tmp_path) -> dict:
    """The agency's form data, its report uploaded to the task as the page would."""
    [task] = steps.open(login, "Task_AgencyEvaluation")
    stored = store_for_task(ctx, directory=tmp_path, task_id=task.id, actor=actor(ctx, login),
                            upload=Upload("评估报告.pdf", "application/pdf", pdf()), field="agency_report")
    return {"agency_score": score, "agency_grade": grade, "agency_signed": True,
            "agency_summary": "组织运行规范，但研发投入未达建设方案目标，成果转化不足",
            "agency_report": {"file_id": stored.id, "sha256": stored.sha256, "name": stored.name}}


def test_the_city_registers_agencies_and_nobody_else(ctx):
    city = actor(ctx, "city1")
    listed = agencies.list_agencies(ctx)
    assert [(a["creditCode"], a["name"]) for a in listed] == [(AGENCY[0], AGENCY[1])]  # the demo agency
    with pytest.raises(Forbidden):
        agencies.register_agency(ctx, actor=actor(ctx, "lead1"), credit_code=OTHER_AGENCY,
                                 qualification=QUALIFICATION)
    with pytest.raises(InvalidInput) as short:
        agencies.register_agency(ctx, actor=city, credit_code=OTHER_AGENCY, qualification="有资质")
    # every field's error at once: the unregistered unit's missing name and district too (report-users 8)
    assert list(short.value.fields) == ["qualification", "name", "district"]
    with pytest.raises(InvalidInput) as unregistered:  # not in the register: registered there, and checked
        agencies.register_agency(ctx, actor=city, credit_code=OTHER_AGENCY, name=OTHER_NAME,
                                 category="university", district="火星区", qualification=QUALIFICATION)
    assert {"category", "district"} <= set(unregistered.value.fields)
    made = agencies.register_agency(ctx, actor=city, credit_code=OTHER_AGENCY, name=OTHER_NAME,
                                    category="enterprise", district="崂山区", qualification=QUALIFICATION)
    assert made["name"] == OTHER_NAME and made["active"] is True
    with pytest.raises(Conflict):
        agencies.register_agency(ctx, actor=city, credit_code=OTHER_AGENCY, qualification=QUALIFICATION)
    withdrawn = agencies.set_agency_active(ctx, actor=city, credit_code=OTHER_AGENCY, active=False)
    assert withdrawn["active"] is False
    assert [a["creditCode"] for a in agencies.list_agencies(ctx)] == [AGENCY[0]]
    assert len(agencies.list_agencies(ctx, include_inactive=True)) == 2
    with pytest.raises(NotFound):
        agencies.set_agency_active(ctx, actor=city, credit_code="91370200000000000X", active=False)
    with ctx.unit_of_work(write=False) as uow:
        actions = list(uow.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.action.like("evaluation_agency.%"), AuditEvent.actor == "city1",
        ).order_by(AuditEvent.id)))
    # the demo seed registered the demo agency as city1; then the registration and withdrawal above
    assert actions == ["evaluation_agency.registered"] * 2 + ["evaluation_agency.updated"]


def test_an_entrusted_agency_alone_sees_and_records_the_evaluation(ctx, clock, tmp_path):
    steps, consortium_id = checked(ctx, clock)
    second_agency(ctx)
    city = actor(ctx, "city1")
    member = ORGANISATIONS[1][0]
    agencies.register_agency(ctx, actor=city, credit_code=member, qualification=QUALIFICATION)
    for code, why in ((member, "成员单位"), ("91370200000000000X", "不是在册"), ("", "统一社会信用代码")):
        with pytest.raises(InvalidInput) as refused:
            agencies.assign_agency(ctx, actor=city, instance_id=steps.instance_id, credit_code=code)
        assert why in refused.value.fields["agency"][0], code
    agencies.set_agency_active(ctx, actor=city, credit_code=OTHER_AGENCY, active=False)
    with pytest.raises(InvalidInput) as withdrawn:
        steps.do("city1", "Task_AssignEvaluators", {"evaluator_mode": "agency", "agency": OTHER_AGENCY})
    assert "已停止受托评价" in withdrawn.value.fields["agency"][0]
    with pytest.raises(InvalidInput) as missing:
        steps.do("city1", "Task_AssignEvaluators", {"evaluator_mode": "agency"})
    assert "agency" in missing.value.fields
    with pytest.raises(Forbidden):
        agencies.assign_agency(ctx, actor=actor(ctx, "lead1"), instance_id=steps.instance_id,
                               credit_code=AGENCY[0])

    assigned = agencies.assign_agency(ctx, actor=city, instance_id=steps.instance_id, credit_code=AGENCY[0])
    assert assigned["agency"] == AGENCY[0] and assigned["taskId"]
    with pytest.raises(Conflict):  # already assigned: no longer at that step
        agencies.assign_agency(ctx, actor=city, instance_id=steps.instance_id, credit_code=AGENCY[0])
    assert [t.element_id for t in steps.open("agency1")] == ["Task_AgencyEvaluation"]
    for outsider in ("agency2", "lead1", "expert1", "district1"):
        assert steps.open(outsider, "Task_AgencyEvaluation") == [], outsider
    [mine] = agencies.list_assignments(ctx, actor=actor(ctx, "agency1"))
    assert (mine["applicationNo"], mine["status"], mine["taskId"]) == (
        consortium(ctx, consortium_id=consortium_id).application_no, "assigned", assigned["taskId"])
    assert agencies.list_assignments(ctx, actor=actor(ctx, "agency2")) == []
    assert len(agencies.list_assignments(ctx, actor=city)) == 1
    with pytest.raises(Forbidden):
        agencies.list_assignments(ctx, actor=actor(ctx, "lead1"))

    with pytest.raises(InvalidInput) as contradicts:  # 55 is 不合格 by the round's bands
        steps.do("agency1", "Task_AgencyEvaluation", result(ctx, steps, "agency1", 55, "pass", tmp_path))
    assert "应为“不合格”" in contradicts.value.fields["agency_grade"][0]
    with pytest.raises(InvalidInput) as no_report:
        data = result(ctx, steps, "agency1", 55, "fail", tmp_path)
        steps.do("agency1", "Task_AgencyEvaluation", {k: v for k, v in data.items() if k != "agency_report"})
    assert "agency_report" in no_report.value.fields
    steps.do("agency1", "Task_AgencyEvaluation", result(ctx, steps, "agency1", 55, "fail", tmp_path))

    [graded] = evaluations.list_results(ctx, consortium_id=consortium_id)
    assert (graded["score"], graded["grade"], graded["evaluatedBy"], graded["agency"]) == (
        55.0, "fail", "agency", AGENCY[0])
    [done] = agencies.list_assignments(ctx, actor=actor(ctx, "agency1"))
    assert (done["status"], done["score"], done["grade"], done["reportName"], done["taskId"]) == (
        "recorded", 55.0, "fail", "评估报告.pdf", None)
    with ctx.unit_of_work(write=False) as uow:
        trail = [(e.action, e.actor) for e in audit.list_events(uow.session, instance_id=steps.instance_id)]
    assert ("evaluation.agency_assigned", "city1") in trail and ("evaluation.graded", "agency1") in trail

    # the normal outcome: after the result's publicity, 陈述申辩 and the city's decision revoke the filing
    until = date.fromisoformat(graded["publicityUntil"])
    clock.set(clock.now() + timedelta(days=(until - local_today(clock.now())).days + 1))
    jobs.fire_due_jobs(ctx)
    assert [t.element_id for t in steps.open("lead1")] == ["Task_StateCase"]
    steps.do("lead1", "Task_StateCase", {"hearing_choice": "waive"})
    steps.do("city1", "Task_RevocationDecision", {
        "revocation_decision": "revoke", "decision_reasons": "第三方评估结果不合格，牵头单位放弃陈述申辩",
        "decision_document": "青科字〔2026〕21号"})
    assert consortium(ctx, consortium_id=consortium_id).status == "revoked"


def test_only_the_entrusted_agency_may_complete_its_task(ctx, clock, tmp_path):
    steps, _ = checked(ctx, clock)
    steps.do("city1", "Task_AssignEvaluators", {"evaluator_mode": "agency", "agency": AGENCY[0]})
    [task] = steps.open("city1", "Task_AgencyEvaluation")  # the city sees it, as it sees everything
    data = result(ctx, steps, "agency1", 92, "excellent", tmp_path)
    with pytest.raises((Forbidden, NotFound)):
        tasks.complete_task(ctx, task_id=task.id, actor=actor(ctx, "city1"), data=data)
    steps.do("agency1", "Task_AgencyEvaluation", data)
    [graded] = evaluations.list_results(ctx, consortium_id=_consortium_id(ctx, steps))
    assert graded["grade"] == "excellent"


def _consortium_id(ctx, steps: Steps) -> int:
    variables = browse.instance_variables(ctx, instance_id=steps.instance_id, actor=actor(ctx, "city1"))
    return int(variables["consortium_id"])


def test_a_report_that_was_never_uploaded_is_refused(ctx, clock, tmp_path):
    """Users' report finding 2: `agency_report` naming no upload (or another file's digest or name) was
    recorded; every completion and resolution now names the field (service/engine/file_refs.py)."""
    steps, _ = checked(ctx, clock)
    steps.do("city1", "Task_AssignEvaluators", {"evaluator_mode": "agency", "agency": AGENCY[0]})
    data = result(ctx, steps, "agency1", 70, "pass", tmp_path)
    real = data["agency_report"]
    forged = [
        {"file_id": "does-not-exist", "sha256": "a" * 64, "name": "fake.pdf"},
        {**real, "sha256": "b" * 64},
        {**real, "name": "另一份报告.pdf"},
    ]
    [task] = steps.open("agency1", "Task_AgencyEvaluation")
    for ref in forged:
        with pytest.raises(InvalidInput) as refused:
            tasks.complete_task(ctx, task_id=task.id, actor=actor(ctx, "agency1"),
                                data={**data, "agency_report": ref})
        assert list(refused.value.fields) == ["agency_report"], ref
        assert "SHA-256" in refused.value.fields["agency_report"][0]
    add_user(ctx, user_id="agency1b", password="demo1234", groups=["evaluation_agency"],
             display_name="评价员二", org_credit_code=AGENCY[0], actor=actor(ctx, "admin"))
    tasks.claim_task(ctx, task_id=task.id, actor=actor(ctx, "agency1"))
    tasks.delegate_task(ctx, task_id=task.id, user_id="agency1b", actor=actor(ctx, "agency1"))
    with pytest.raises(InvalidInput) as resolved:
        tasks.resolve_task(ctx, task_id=task.id, actor=actor(ctx, "agency1b"),
                           data={**data, "agency_report": forged[0]})
    assert "agency_report" in resolved.value.fields
    tasks.resolve_task(ctx, task_id=task.id, actor=actor(ctx, "agency1b"), data=data)
    tasks.complete_task(ctx, task_id=task.id, actor=actor(ctx, "agency1"), data=data)
    [done] = agencies.list_assignments(ctx, actor=actor(ctx, "agency1"))
    assert (done["status"], done["reportName"]) == ("recorded", "评估报告.pdf")


def test_an_agency_with_open_work_is_not_withdrawn_and_a_withdrawn_agency_result_is_refused(ctx, clock,
                                                                                           tmp_path):
    """Users' report finding 3: withdrawing an agency left its entrusted evaluation running and its result
    then counted. Withdrawal is refused (409) while it has open work, naming it; and a result from an
    agency withdrawn anyway (here: directly in the register) is refused (409)."""
    from service.consortium.store.supervision_models import EvaluationAgency

    steps, consortium_id = checked(ctx, clock)
    city = actor(ctx, "city1")
    agencies.assign_agency(ctx, actor=city, instance_id=steps.instance_id, credit_code=AGENCY[0])
    number = consortium(ctx, consortium_id=consortium_id).application_no
    with pytest.raises(Conflict) as busy:
        agencies.set_agency_active(ctx, actor=city, credit_code=AGENCY[0], active=False)
    assert number in str(busy.value) and " / " in str(busy.value)
    assert [a["active"] for a in agencies.list_agencies(ctx) if a["creditCode"] == AGENCY[0]] == [True]

    data = result(ctx, steps, "agency1", 92, "excellent", tmp_path)
    with ctx.unit_of_work() as uow:
        uow.session.get(EvaluationAgency, AGENCY[0]).active = False
        uow.commit()
    with pytest.raises(Conflict):
        steps.do("agency1", "Task_AgencyEvaluation", data)
    agencies.set_agency_active(ctx, actor=city, credit_code=AGENCY[0], active=True)
    steps.do("agency1", "Task_AgencyEvaluation", data)
    withdrawn = agencies.set_agency_active(ctx, actor=city, credit_code=AGENCY[0], active=False)
    assert withdrawn["active"] is False  # nothing open any more
