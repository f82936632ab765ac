"""Third-party evaluation agencies (第三方评估机构; guideline 七（二）: 绩效评价由市科技局组织专家或
委托第三方评估机构实施), issue 14 item 12.

The city bureau registers agencies (`register_agency`): the unit must be in the organisation register
(registered there in the same step when it is not), with what qualifies it. At an evaluation's
Task_AssignEvaluators the city clerk chooses an expert panel or one active agency; the `${evaluatorsCheck}`
listener refuses an unknown, withdrawn or non-independent agency (a member or the lead of the consortium
evaluated) naming the field `agency`. The agency's users (group `evaluation_agency`, their unit the
agency's credit code) then find Task_AgencyEvaluation in their inbox, offered to their agency only; what
they record (score, grade, conclusion, report) grades the evaluation as a panel's scores would, and the
normal outcome follows (不合格 → 陈述申辩 → 取消备案). Every evaluation entrusted to an agency is an
`AgencyAssignment`; an agency reads only its own (`list_assignments`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forms.checks import normalize_code
from workflows.engine import ServiceCall
from workflows.extensions import DelegateContext

from ...actors import ADMIN, CITY_CLERK, EVALUATION_AGENCY, Actor
from ...context import Context
from ...engine import tasks
from ...engine.store import audit
from ...engine.store.models import HumanTask, ProcessInstance
from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ..organisations import check_registration, register_organisation
from ..store import consortia as consortium_store
from ..store import supervision as store
from ..store.models import Organisation
from ..store.supervision_models import AgencyAssignment, EvaluationAgency

ASSIGN_FORM = "assign_evaluators"
RESULT_FORM = "evaluation_agency_result"
MIN_QUALIFICATION = 10  # characters: what qualifies the agency is a sentence or two, not "有"


def describe_agency(agency: EvaluationAgency, org: Organisation) -> dict[str, Any]:
    """{"creditCode", "name", "district", "qualification", "contact", "active", "registeredBy",
    "registeredAt"}."""
    return {
        "creditCode": agency.credit_code, "name": org.name, "district": org.district,
        "qualification": agency.qualification, "contact": agency.contact, "active": agency.active,
        "registeredBy": agency.registered_by, "registeredAt": agency.registered_at.isoformat(),
    }


def register_agency(
    ctx: Context,
    *,
    actor: Actor,
    credit_code: str,
    qualification: str,
    name: str | None = None,
    category: str = "other",
    district: str | None = None,
    contact: str | None = None,
) -> dict[str, Any]:
    """The city bureau registers a third-party evaluation agency; a unit the organisation register lacks is
    registered there first (name, category checked against the code, district from the list).

    Returns the agency as `describe_agency`.

    Raises:
        Forbidden: the caller is not a city clerk.
        InvalidInput: no qualification (fewer than MIN_QUALIFICATION characters), or the unit is not
            registered and its registration fails (name, category, district: fields named).
        Conflict: the unit is already a registered agency.
    """
    if not actor.has(CITY_CLERK):
        raise Forbidden(
            "只有市科技局可以登记第三方评估机构 / Only the city bureau registers evaluation agencies"
        )
    problems: dict[str, list[str]] = {}  # every field's error at once (report-users finding 8)
    text = (qualification or "").strip()
    if len(text) < MIN_QUALIFICATION:
        problems["qualification"] = [
            f"请说明机构资质和评估业绩（至少{MIN_QUALIFICATION}字） / Describe its qualification "
            f"(at least {MIN_QUALIFICATION} characters)"]
    code = (credit_code or "").strip().upper()
    with ctx.unit_of_work(write=False) as uow:
        known = consortium_store.find_organisation(uow.session, code)
        if known is None or known.verification != "verified":  # the unit's registration, checked now
            problems.update(check_registration(
                uow.session, credit_code=normalize_code(code), name=name or "", category=category,
                district=district, confirmation_reason=None, clerk=True)[0])
    if problems:
        raise InvalidInput("评估机构信息有误 / The agency's registration has errors", problems)
    if known is None or known.verification != "verified":
        register_organisation(ctx, actor=actor, credit_code=code, name=name or "", category=category,
                              district=district)  # InvalidInput naming its fields
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        org = consortium_store.find_organisation(session, code)
        if org is None:  # the registration above normalised the code differently: say so, never 500
            raise NotFound(f"单位未登记 / Organisation {code} is not registered")
        if session.get(EvaluationAgency, org.credit_code) is not None:
            raise Conflict(f"该机构已登记为第三方评估机构 / {org.name} is already a registered agency")
        agency = EvaluationAgency(credit_code=org.credit_code, qualification=text,
                                  contact=(contact or "").strip() or None, active=True,
                                  registered_by=actor.id, registered_at=now)
        session.add(agency)
        session.flush()
        described = describe_agency(agency, org)
        audit.record(session, actor=actor, action="evaluation_agency.registered", at=now, detail=described)
        uow.commit()
        return described


def set_agency_active(ctx: Context, *, actor: Actor, credit_code: str, active: bool) -> dict[str, Any]:
    """Withdraw an agency (no new evaluations are entrusted to it) or reinstate it.

    An agency with entrusted evaluations still open (its result not recorded, the evaluation running) is
    not withdrawn: the city first settles them (users' report finding 3); a withdrawn agency's result is
    refused in any case (agency_results.agency_result_check).

    Raises Forbidden (not a city clerk), NotFound (not a registered agency), Conflict (withdrawing an
    agency with open entrusted evaluations; the message lists them).
    """
    if not actor.has(CITY_CLERK):
        raise Forbidden(
            "只有市科技局可以变更第三方评估机构 / Only the city bureau changes evaluation agencies"
        )
    with ctx.unit_of_work() as uow:
        agency, org = _agency(uow.session, credit_code)
        if agency.active and not active:
            open_work = open_assignments(uow.session, agency.credit_code)
            if open_work:
                listed = "、".join(open_work)
                raise Conflict(f"该机构尚有未完成的受托评价（{listed}），不能停止受托 / {org.name} still has "
                               f"open entrusted evaluations ({listed}) and cannot be withdrawn")
        agency.active = active
        described = describe_agency(agency, org)
        audit.record(uow.session, actor=actor, action="evaluation_agency.updated", at=ctx.now(),
                     detail=described)
        uow.commit()
        return described


def list_agencies(ctx: Context, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    """The registered agencies by name (active only unless `include_inactive`): a public list of who may be
    entrusted, readable by anyone signed in."""
    with ctx.unit_of_work(write=False) as uow:
        return [describe_agency(a, o) for a, o in _agencies(uow.session, include_inactive)]


def _agencies(session: Session, include_inactive: bool) -> list[tuple[EvaluationAgency, Organisation]]:
    query = sa.select(EvaluationAgency, Organisation).join(
        Organisation, Organisation.credit_code == EvaluationAgency.credit_code).order_by(Organisation.name)
    if not include_inactive:
        query = query.where(EvaluationAgency.active.is_(True))
    return [(a, o) for a, o in session.execute(query).all()]


def _agency(session: Session, credit_code: str) -> tuple[EvaluationAgency, Organisation]:
    code = (credit_code or "").strip().upper()
    agency = session.get(EvaluationAgency, code)
    org = consortium_store.find_organisation(session, code)
    if agency is None or org is None:
        raise NotFound(f"不是在册的第三方评估机构 / {code} is not a registered evaluation agency")
    return agency, org


def agency_problem(session: Session, code: str | None, variables: dict[str, Any]) -> str | None:
    """Why the agency `code` may not evaluate the consortium of `variables`, or None: not registered,
    withdrawn, or not independent (it is the lead or a member of the consortium evaluated)."""
    agency = session.get(EvaluationAgency, (code or "").strip().upper())
    if agency is None:
        return f"{code} 不是在册的第三方评估机构 / {code} is not a registered evaluation agency"
    if not agency.active:
        return f"{code} 已停止受托评价 / {code} is withdrawn from evaluations"
    parties = {variables.get("lead_credit_code")} | {
        m.get("credit_code") for m in variables.get("current_members") or []}
    if agency.credit_code in parties:
        return (f"{code} 是该创新联合体的成员单位，不能独立评价 / {code} is a member of the consortium "
                "evaluated and cannot evaluate it independently")
    return None


def evaluators_check(context: DelegateContext) -> None:
    """`${evaluatorsCheck}` (task listener, complete, on Task_AssignEvaluators): an entrusted agency must be
    registered, active and independent of the consortium.

    Raises:
        InvalidInput: on field `agency`, saying why; nothing is saved.
    """
    data = context.task.data if context.task is not None else context.variables
    if (data.get("evaluator_mode") or "panel") != "agency":
        return
    problem = agency_problem(context.session, data.get("agency"), context.variables)
    if problem:
        raise InvalidInput(f"不能委托该机构 / This agency cannot be entrusted: {problem}",
                           {"agency": [problem]})


def record_assignment(session: Session, row: ProcessInstance, call: ServiceCall, actor: Actor,
                      now: datetime) -> dict[str, Any]:
    """Service_CheckPanel for an agency: record that the evaluation is entrusted to it (re-checked here for
    a completion that bypassed the listener); returns the variables the gateway routes on."""
    code = str(call.variables.get("agency") or "").strip().upper()
    problem = agency_problem(session, code, call.variables)
    if problem:
        return {"panel_problems": [problem], "evaluation_sheets": [], "evaluator_mode": "agency"}
    assignment = AgencyAssignment(
        instance_id=row.id, round_id=int(call.variables["round_id"]),
        consortium_id=int(call.variables["consortium_id"]), attempt=int(call.variables.get("attempt") or 1),
        agency_code=code, assigned_by=actor.id, assigned_at=now, status="assigned",
    )
    session.add(assignment)
    audit.record(session, actor=actor, action="evaluation.agency_assigned", at=now, instance_id=row.id,
                 element_id=call.element_id,
                 detail={"agency": code, "consortium": call.variables.get("application_no"),
                         "attempt": assignment.attempt})
    return {"panel_problems": [], "evaluation_sheets": [], "evaluator_mode": "agency",
            "evaluation_agency": code}


def mark_recorded(session: Session, row: ProcessInstance, variables: dict[str, Any], actor: Actor,
                  now: datetime) -> tuple[float, str]:
    """Service_Grade for an agency: the agency's score and grade, and its assignment marked recorded."""
    score, grade = round(float(variables["agency_score"]), 2), str(variables["agency_grade"])
    assignment = _open_assignment(session, row.id)
    if assignment is not None:
        report = variables.get("agency_report") or {}
        assignment.status, assignment.score, assignment.grade = "recorded", score, grade
        assignment.report_file_id, assignment.report_name = report.get("file_id"), report.get("name")
        assignment.report_sha256 = report.get("sha256")
        assignment.recorded_by, assignment.recorded_at = actor.id, now
    return score, grade


def open_assignments(session: Session, credit_code: str) -> list[str]:
    """The application numbers of the running evaluations entrusted to the agency whose result it has not
    recorded yet (with the attempt when it is a repeated one: "CXLHT-2026-0001 第2次")."""
    rows = session.execute(
        sa.select(AgencyAssignment.consortium_id, AgencyAssignment.attempt)
        .join(ProcessInstance, ProcessInstance.id == AgencyAssignment.instance_id)
        .where(AgencyAssignment.agency_code == credit_code, AgencyAssignment.status == "assigned",
               ProcessInstance.ended_at.is_(None))
        .order_by(AgencyAssignment.id)
    ).all()
    found = []
    for consortium_id, attempt in rows:
        number = store.get_consortium(session, consortium_id).application_no
        found.append(number if attempt <= 1 else f"{number} 第{attempt}次")
    return found


def _open_assignment(session: Session, instance_id: str) -> AgencyAssignment | None:
    return session.scalars(sa.select(AgencyAssignment).where(
        AgencyAssignment.instance_id == instance_id, AgencyAssignment.status == "assigned",
    ).order_by(AgencyAssignment.id.desc())).first()


def assignment_of(session: Session, instance_id: str, attempt: int) -> AgencyAssignment | None:
    """The agency an evaluation attempt was entrusted to (None: an expert panel evaluated it)."""
    return session.scalars(sa.select(AgencyAssignment).where(
        AgencyAssignment.instance_id == instance_id, AgencyAssignment.attempt == attempt,
    ).order_by(AgencyAssignment.id.desc())).first()


def assign_agency(ctx: Context, *, actor: Actor, instance_id: str, credit_code: str) -> dict[str, Any]:
    """The city clerk entrusts an evaluation waiting at its assignment step to an agency (the step's task
    completed with `evaluator_mode` agency; the same checks as on the task page).

    Returns {"instanceId", "agency", "taskId"} (the agency's task).

    Raises:
        Forbidden: the caller is not a city clerk.
        NotFound: no such evaluation visible to the caller.
        Conflict: the evaluation is not waiting for its evaluators.
        InvalidInput: the agency is unknown, withdrawn or not independent (field `agency`).
    """
    if not actor.has(CITY_CLERK):
        raise Forbidden("只有市科技局可以委托第三方评估机构 / Only the city bureau entrusts evaluations")
    with ctx.unit_of_work(write=False) as uow:
        row = uow.session.get(ProcessInstance, instance_id)
        if row is None or row.definition_key != "performance_evaluation":
            raise NotFound(f"绩效评价不存在 / No evaluation {instance_id}")
        task_id = uow.session.scalars(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.form_key == ASSIGN_FORM)).first()
    if task_id is None:
        raise Conflict(
            f"该评价当前不在组织评价环节 / Evaluation {instance_id} is not waiting for its evaluators"
        )
    tasks.complete_task(ctx, task_id=task_id, actor=actor,
                        data={"evaluator_mode": "agency", "agency": credit_code})
    with ctx.unit_of_work(write=False) as uow:
        next_task = uow.session.scalars(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.form_key == RESULT_FORM)).first()
        assignment = _open_assignment(uow.session, instance_id)
    return {"instanceId": instance_id, "agency": assignment.agency_code if assignment else None,
            "taskId": next_task}


def list_assignments(ctx: Context, *, actor: Actor) -> list[dict[str, Any]]:
    """The evaluations entrusted to agencies, newest first: an agency's users see their agency's only;
    city clerks and administrators see all. Each: {"id", "instanceId", "roundNo", "roundTitle",
    "applicationNo", "consortium", "agency", "agencyName", "attempt", "status", "assignedAt", "score",
    "grade", "reportName", "taskId" (the open result task, or None)}.

    Raises Forbidden for anyone else (a lead unit, a district clerk, an expert).
    """
    if actor.has(EVALUATION_AGENCY) and actor.org_credit_code:
        scope = AgencyAssignment.agency_code == actor.org_credit_code
    elif actor.has(CITY_CLERK, ADMIN):
        scope = sa.true()
    else:
        raise Forbidden("只有第三方评估机构和市科技局可以查看委托评价 / Only agencies and the city bureau "
                        "read entrusted evaluations")
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rows = session.scalars(sa.select(AgencyAssignment).where(scope).order_by(AgencyAssignment.id.desc()))
        out = []
        for a in rows:
            record = store.get_consortium(session, a.consortium_id)
            evaluation_round = store.get_round(session, a.round_id)
            org = consortium_store.find_organisation(session, a.agency_code)
            task_id = session.scalars(sa.select(HumanTask.id).where(
                HumanTask.instance_id == a.instance_id, HumanTask.form_key == RESULT_FORM)).first()
            out.append({
                "id": a.id, "instanceId": a.instance_id, "roundNo": evaluation_round.round_no,
                "roundTitle": evaluation_round.title, "applicationNo": record.application_no,
                "consortium": record.name, "agency": a.agency_code, "agencyName": org.name if org else None,
                "attempt": a.attempt, "status": a.status, "assignedAt": a.assigned_at.isoformat(),
                "score": a.score, "grade": a.grade, "reportName": a.report_name,
                "taskId": task_id if a.status == "assigned" else None,
            })
        return out
