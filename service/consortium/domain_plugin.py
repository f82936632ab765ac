"""The consortium domain, plugged into the generic back office (issue 19).

`register(extensions)` is called once by `service.bootstrap.build_context` (the composition root); the
generic layer (commands, instances, tasks, jobs, identities, browse) only calls what is registered here
and never imports these modules.

What a step does is declared by the diagram, never keyed on an element id:
  - task listeners by name (`<camunda:taskListener event="complete" delegateExpression="${name}"/>`):
    roundWindowCheck, decidedByRound, expertDeclarationCheck, signedScoreSheetCheck, creditRecordCheck;
  - the user tasks' `camunda:properties` `consortium.status` (the application's status while the task
    is open, read by consortia.sync) and `consortium.step` (which review step it is, read by the review
    use cases and pages);
  - external-task topics (`camunda:topic`) served in-process by `consortia.handlers`.
Hooks that are not about a step apply per process: the start checks and `consortia.sync` act on the
recommendation procedure's definition key (`consortium_recommendation`, the diagram's process id);
reminders, the organisation register, reviewer secrecy and the variable filter apply to every process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows.extensions import DelegateContext, Extensions

from ..actors import APPLICANT, Actor
from ..clock import local_today
from ..deadline_settings import DeadlineSettings
from ..engine.instances import check_business_key
from ..engine.store.models import ProcessDefinition, ProcessInstance
from ..errors import Forbidden, InvalidInput
from . import consortia, corrections, objections, organisations, reminders, sub_tracks
from .consortia import RECOMMENDATION
from .membership_checks import members_from_register
from .organisations import lead_refusal
from .reviews import panel_access, review_hooks, scheduling
from .store import consortia as consortium_store
from .store.models import Consortium
from .store.reviewer_secrecy import ReviewerSecrecy
from .supervision import agencies, agency_results, integrity, member_changes, progress
from .supervision.credit_entries import on_objection_upheld
from .supervision.task_checks import check_against_register

APPLICATION_NO_LENGTH = Consortium.__table__.c.application_no.type.length  # an application's key: its number


def register(extensions: Extensions) -> None:
    """Register the consortium procedure's task listeners, service topics, projections (consortium
    record, reminders), job kinds, start checks, organisation register, reviewer secrecy (identity
    policy) and the panel variable filter."""
    extensions.service_handlers.append(_handlers)
    extensions.after_save.append(_project_reminders)
    extensions.after_save.append(consortia.sync)
    extensions.after_save.append(_project_progress)  # 七（一）: progress report reminders (issue 14)
    extensions.organisation_checks.append(organisations.organisation_problem)
    extensions.district_checks.append(organisations.district_check)  # 区（市、功能区） list (issue 14)
    extensions.identity_policies.append(ReviewerSecrecy)  # reviewers hidden until results are published
    for kind in reminders.KINDS:
        extensions.register_job_kind(kind, reminders.fire)
    extensions.register_job_kind(progress.KIND, progress.fire)
    extensions.may_start.append(_lead_unit_only)
    extensions.before_start.append(_recommendation_start)
    extensions.register_task_listener("creditRecordCheck", _credit_record_check)
    extensions.register_task_listener("subTrackCheck", sub_tracks.sub_track_check)  # 一: 细分赛道
    extensions.register_task_listener("evaluatorsCheck", agencies.evaluators_check)  # 七（二）: 第三方评估
    extensions.register_task_listener("agencyResultCheck", agency_results.agency_result_check)
    extensions.register_task_listener("objectionFinding", objections.record_finding)  # one objection each
    for name, listener in review_hooks.TASK_LISTENERS.items():  # declared on the diagrams' user tasks
        extensions.register_task_listener(name, listener)
    extensions.before_complete.append(members_from_register)  # 四（二）: thresholds count the register
    extensions.before_complete.append(corrections.record_correction)  # returned sections, each version
    extensions.before_complete.append(on_objection_upheld)  # 七（四）: false materials enter the record
    extensions.before_complete.append(scheduling.site_visit_report_date_check)  # no report of a future visit
    extensions.before_complete.append(member_changes.hold_while_revocation_pending)  # 七（二）: 取消备案待决
    extensions.variable_filters.append(panel_access.redact_variables)


def _handlers(session: Session, row: ProcessInstance, actor: Actor, now: datetime,
              settings: DeadlineSettings | None) -> dict[str, Any]:
    return consortia.handlers(session, row, actor, now, settings=settings)


def _project_reminders(session: Session, row: ProcessInstance, running: Any, now: datetime,
                       settings: DeadlineSettings | None) -> None:
    """Validity reminders and overdue/escalation jobs, rewritten from the instance's state on every save."""
    reminders.project(session, row, settings or DeadlineSettings(), now)


def _project_progress(session: Session, row: ProcessInstance, running: Any, now: datetime,
                      settings: DeadlineSettings | None) -> None:
    """The consortium's next progress-report reminder (supervision/progress.py), once it is filed. Only
    the recommendation procedure's instances have a consortium record (consortia.sync creates it)."""
    if row.definition_key != RECOMMENDATION:
        return
    record = consortium_store.find_by_instance(session, row.id)
    if record is not None:
        progress.schedule(session, record, settings or DeadlineSettings(), now)


def _lead_unit_only(definition: ProcessDefinition, actor: Actor) -> None:
    if definition.key == RECOMMENDATION and (not actor.has(APPLICANT) or not actor.org_credit_code):
        raise Forbidden(
            "只有牵头单位可以发起组建申请 / Only a lead unit (applicant) may initiate a consortium"
        )


def _credit_record_check(context: DelegateContext) -> None:
    """`${creditRecordCheck}` (task listener, complete): restricted units may not become core members or
    leads (supervision/task_checks.py); the check is the one for the task's declared `camunda:formKey`.

    Raises:
        InvalidInput: naming each restricted unit, why and until when; nothing is saved.
    """
    task = context.task
    if task is None:
        return
    check_against_register(context.session, task.form_key, task.data, context.variables,
                           local_today(context.now))


def _recommendation_start(session: Session, definition: ProcessDefinition, actor: Actor,
                          business_key: str | None, variables: dict[str, Any], now: datetime
                          ) -> tuple[str | None, dict[str, Any]]:
    """An application is always the acting lead unit's own: its code and district come from its record,
    its business key is its application number (drawn here when not given)."""
    if definition.key != RECOMMENDATION:
        return business_key, variables
    _lead_unit_only(definition, actor)
    check_business_key(business_key, APPLICATION_NO_LENGTH)
    org = consortium_store.find_organisation(session, actor.org_credit_code)
    if org is None:
        raise InvalidInput(
            "牵头单位未登记 / The lead unit is not registered",
            {"lead_credit_code": ["请先登记单位信息 / Register the organisation first"]},
        )
    refusal = lead_refusal(org)  # 我市独立注册的企业 (guideline 四（一）1)
    if refusal:
        zh, _, en = refusal.partition(" / ")
        raise InvalidInput(f"不能发起组建申请：{zh} / Cannot initiate: {en}", {"lead_credit_code": [refusal]})
    integrity.require_may_lead(session, org.credit_code, local_today(now))  # the 3-year ban (guideline 七)
    if not business_key:
        business_key = consortium_store.next_number(
            session, ProcessInstance.business_key, f"CXLHT-{now.year}-", "application", str(now.year)
        )
    variables = {**variables, "application_no": business_key, "lead_credit_code": org.credit_code,
                 "lead_name": org.name, "district": org.district, "initiator": actor.id}
    return business_key, variables
