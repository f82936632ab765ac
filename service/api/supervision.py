"""/api for supervision after filing: a consortium's supervision record, evaluation results, the register,
and the supervision actions (open an evaluation round, projects, dissolution, credit-record entries, member
changes, lead-unit failure cases, renewal); documented in supervision_openapi.py.

Routes live on the domain blueprint, so errors map once ({"error","message","fields"}).
"""

from __future__ import annotations

from flask import jsonify, request

from ..consortium.supervision import (
    evaluations,
    integrity,
    lead_failure,
    member_changes,
    overview,
    progress,
    projects,
    renewals,
    support_measures,
)
from ..engine.instances import Started
from . import supervision_openapi as api_schemas
from .auth import context
from .domain import bp, require_actor
from .edge import int_arg, load_body


@bp.get("/consortia/<int:consortium_id>/supervision")
def supervision_record(consortium_id: int):
    """Standing (filed, under_rectification, revoked, expired, renewed), history, evaluations, changes."""
    return jsonify(overview.supervision_record(context(), actor=require_actor(), consortium_id=consortium_id))


@bp.get("/evaluation-results")
def evaluation_results():
    """Published like a publicity notice: readable by anyone signed in."""
    require_actor()
    round_id, consortium_id = int_arg("roundId"), int_arg("consortiumId")  # 422 naming a bad one
    return jsonify(evaluations.list_results(context(), round_id=round_id, consortium_id=consortium_id))


@bp.get("/integrity-records")
def integrity_records():
    subject = request.args.get("subjectId")
    return jsonify(integrity.list_integrity_records(context(), actor=require_actor(), subject_id=subject))


# --- acting (issue 14, item 9): each operation calls one use case; the use case checks who may --------




def _started(started: Started):
    return jsonify({"id": started.id, "businessKey": started.business_key}), 201


@bp.post("/evaluation-rounds")
def evaluation_round_open():
    """A city clerk opens a performance-evaluation round: one evaluation per consortium in force."""
    actor = require_actor()
    body = load_body(api_schemas.EvaluationRoundIn)
    extra = {
        name: body[key]
        for key, name in (
            ("publicityDays", "publicity_days"),
            ("rectificationMonths", "rectification_months"),
            ("hearingWorkingDays", "hearing_working_days"),
            ("rectificationEnabled", "rectification_enabled"),
        )
        if body.get(key) is not None
    }
    settings = evaluations.RoundSettings(
        title=body["title"], data_from=body["dataFrom"], data_until=body["dataUntil"], **extra
    )
    return jsonify(evaluations.open_evaluation_round(context(), actor=actor, settings=settings)), 201


@bp.post("/consortia/<int:consortium_id>/projects")
def project_record(consortium_id: int):
    """The city clerk or the consortium's lead unit records a project it undertakes."""
    actor = require_actor()
    body = load_body(api_schemas.ProjectIn)
    project_id = projects.record_project(
        context(),
        actor=actor,
        consortium_id=consortium_id,
        project_no=body["projectNo"],
        name=body["name"],
        level=body["level"],
        started_on=body["startedOn"],
        ends_on=body.get("endsOn"),
        mode=body.get("mode"),
        amount_wan=body.get("amountWan"),
    )
    return jsonify({"id": project_id}), 201


@bp.get("/consortia/<int:consortium_id>/support")
def support_read(consortium_id: int):
    """Projects, support measures (六) and whether the latest evaluation calls for increased support."""
    found = support_measures.list_support(context(), actor=require_actor(), consortium_id=consortium_id)
    return jsonify(found)


@bp.post("/consortia/<int:consortium_id>/support-measures")
def support_measure_record(consortium_id: int):
    """A city clerk records a platform, talent programme or application scenario (六)."""
    actor = require_actor()
    body = load_body(api_schemas.SupportMeasureIn)
    measure = support_measures.Measure(
        kind=body["kind"], name=body["name"], granted_on=body["grantedOn"], level=body.get("level"),
        amount_wan=body.get("amountWan"), note=body.get("note"),
    )
    measure_id = support_measures.record_measure(
        context(), actor=actor, consortium_id=consortium_id, measure=measure
    )
    return jsonify({"id": measure_id}), 201


@bp.get("/consortia/<int:consortium_id>/progress-reports")
def progress_reports(consortium_id: int):
    """The consortium's progress reports (七（一）) and the next due date, for whoever sees it."""
    return jsonify(progress.list_reports(context(), actor=require_actor(), consortium_id=consortium_id))


@bp.post("/consortia/<int:consortium_id>/progress-reports")
def progress_report_submit(consortium_id: int):
    """The lead unit submits its progress report for the earliest unanswered period."""
    actor = require_actor()
    body = load_body(api_schemas.ProgressReportIn)
    outcome = progress.submit_report(
        context(), actor=actor, consortium_id=consortium_id, summary=body["summary"]
    )
    return jsonify(outcome), 201


@bp.post("/projects/<int:project_id>/completion")
def project_complete(project_id: int):
    """A city clerk records that a project ended (结题)."""
    projects.complete_project(context(), actor=require_actor(), project_id=project_id)
    return jsonify({"id": project_id, "status": "completed"})


@bp.post("/consortia/<int:consortium_id>/dissolution")
def dissolution_request(consortium_id: int):
    """The lead unit dissolves its consortium; refused (409) while a project is active."""
    actor = require_actor()
    body = load_body(api_schemas.DissolutionIn)
    outcome = projects.request_dissolution(
        context(), actor=actor, consortium_id=consortium_id, reason=body["reason"]
    )
    return jsonify(outcome)


@bp.post("/integrity-records")
def integrity_record_add():
    """A city clerk makes an entry in the research credit record (科研信用档案)."""
    actor = require_actor()
    body = load_body(api_schemas.IntegrityEventIn)
    event = integrity.IntegrityEvent(
        subject_kind=body["subjectKind"],
        subject_id=body["subjectId"],
        subject_name=body["subjectName"],
        record_type=body["type"],
        description=body["description"],
        decision_document=body["decisionDocument"],
        decided_on=body["decidedOn"],
        restriction_until=body.get("restrictionUntil"),
        restricts=body.get("restricts") or False,
        permanent=body.get("permanent") or False,
        referral_authority=body.get("referralAuthority"),
        referred_on=body.get("referredOn"),
        consortium_id=body.get("consortiumId"),
    )
    return jsonify({"id": integrity.record_integrity_event(context(), actor=actor, event=event)}), 201


@bp.post("/consortia/<int:consortium_id>/member-changes")
def member_change_start(consortium_id: int):
    """The lead unit starts a member change (a reason required; 409 while one is open); it drafts the
    supplementary agreement in its first task."""
    actor = require_actor()
    body = load_body(api_schemas.MemberChangeIn)
    return _started(member_changes.start_member_change(
        context(), actor=actor, consortium_id=consortium_id, reason=body["reason"]))


@bp.post("/consortia/<int:consortium_id>/lead-failure-cases")
def lead_failure_start(consortium_id: int):
    """A city clerk opens a lead-unit failure case (七（三）); the decision is the case's first task."""
    return _started(
        lead_failure.open_lead_failure_case(context(), actor=require_actor(), consortium_id=consortium_id)
    )


@bp.get("/renewal-invitations")
def renewal_invitations():
    """The caller's unit's invitations to apply again (one per expired filing)."""
    return jsonify(renewals.list_invitations(context(), actor=require_actor()))


@bp.post("/filings/<filing_no>/renewal")
def renewal_start(filing_no: str):
    """The lead unit applies again (重新申报) from an expired filing; the application starts pre-filled."""
    actor = require_actor()
    filing_id = renewals.filing_id_of(context(), actor=actor, filing_no=filing_no)
    return _started(renewals.start_renewal(context(), actor=actor, filing_id=filing_id))
