"""Credit-record entries the procedure makes by itself (issue 14, item 8; guideline 七（四）).

An objection upheld because the application's materials were false (`handle_objection` with
`false_materials`) enters the lead unit in the research credit record, in the same transaction as the
finding. (A lead-unit failure is entered by `lead_failure.remove_lead_unit`.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ...actors import Actor
from ...engine.store.models import HumanTask, ProcessInstance
from ..store import consortia
from .integrity import record_false_materials


def on_objection_upheld(
    session: Session, row: ProcessInstance, task: HumanTask, data: dict[str, Any], actor: Actor, now: datetime
) -> None:
    """A `before_complete` hook: the finding and the entry are saved together or not at all."""
    if task.form_key != "handle_objection":
        return
    if data.get("objection_decision") != "upheld" or not data.get("false_materials"):
        return
    record = consortia.find_by_instance(session, row.id)
    if record is None:
        return
    org = consortia.find_organisation(session, record.lead_credit_code)
    record_false_materials(
        session,
        credit_code=record.lead_credit_code,
        name=org.name if org else record.lead_credit_code,
        finding=str(data.get("objection_finding") or ""),
        decision_document=str(data.get("finding_document") or ""),
        consortium_id=record.id,
        instance_id=row.id,
        actor=actor,
        now=now,
    )
