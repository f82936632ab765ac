"""The consortium domain, plugged into the generic back office (issue 19).

`register(extensions)` is called once by `service.context.build_context` (the composition root); the
generic layer (commands, instances, tasks, browse) only calls the hooks registered here and never
imports these modules. For now every hook applies to every process and checks the definition key or
the form itself, exactly as the code did inline before; the diagrams will name their listeners next.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows.extensions import Extensions

from ..actors import APPLICANT, Actor
from ..clock import local_today
from ..deadline_settings import DeadlineSettings
from ..engine.instances import check_business_key
from ..engine.store.models import HumanTask, ProcessDefinition, ProcessInstance
from ..errors import Forbidden, InvalidInput
from . import consortia
from .consortia import RECOMMENDATION
from .membership_checks import members_from_register
from .organisations import lead_refusal
from .reviews import panel_access, review_hooks
from .store import consortia as consortium_store
from .store.models import Consortium
from .supervision import integrity
from .supervision.credit_entries import on_objection_upheld
from .supervision.task_checks import check_against_register

APPLICATION_NO_LENGTH = Consortium.__table__.c.application_no.type.length  # an application's key: its number


def register(extensions: Extensions) -> None:
    """Register the consortium procedure's service topics, projections, start and completion checks and
    the reviewer-secrecy variable filter."""
    extensions.service_handlers.append(_handlers)
    extensions.after_save.append(consortia.sync)
    extensions.may_start.append(_lead_unit_only)
    extensions.before_start.append(_recommendation_start)
    extensions.before_complete.append(_against_register)
    extensions.before_complete.append(members_from_register)  # 四（二）: thresholds count the register
    extensions.before_complete.append(on_objection_upheld)  # 七（四）: false materials enter the record
    extensions.before_complete.append(review_hooks.before_completion)  # round window, recusal
    extensions.variable_filters.append(panel_access.redact_variables)


def _handlers(session: Session, row: ProcessInstance, actor: Actor, now: datetime,
              settings: DeadlineSettings | None) -> dict[str, Any]:
    return consortia.handlers(session, row, actor, now, settings=settings)


def _lead_unit_only(definition: ProcessDefinition, actor: Actor) -> None:
    if definition.key == RECOMMENDATION and (not actor.has(APPLICANT) or not actor.org_credit_code):
        raise Forbidden(
            "只有牵头单位可以发起组建申请 / Only a lead unit (applicant) may initiate a consortium"
        )


def _against_register(session: Session, row: ProcessInstance, task: HumanTask, data: dict[str, Any],
                      actor: Actor, now: datetime) -> None:
    """Restricted units may not become core members or leads (supervision/task_checks.py)."""
    context = json.loads(task.context_json or "{}")
    check_against_register(session, task.form_key, data, context, local_today(now))


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
