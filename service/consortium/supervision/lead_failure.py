"""Lead-unit failure (guideline 七（三）): the lead unit that failed its agreement loses the role, is
entered in the credit record with a three-year ban, and the consortium gets a new lead or is revoked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows.engine import ServiceCall

from ...actors import Actor
from ...clock import local_today
from ...context import Context
from ...engine.instances import Started
from ...engine.store.models import ProcessInstance
from ..store import consortia
from ..store import supervision as store
from ..store.models import Membership
from .integrity import ban_from_leading
from .standing import Handler, audit_step, consortium_of, start_for_consortium

PROCESS = "lead_unit_failure"


def open_lead_failure_case(ctx: Context, *, actor: Actor, consortium_id: int) -> Started:
    """A city clerk opens a case against the consortium's lead unit (only clerks may start the diagram)."""
    return start_for_consortium(ctx, actor=actor, consortium_id=consortium_id, key=PROCESS, prefix="QTSZ")


def topics(session: Session, row: ProcessInstance, actor: Actor, now: datetime) -> dict[str, Handler]:
    """The service-task topics of `lead_unit_failure`."""

    def close_lead_failure_case(call: ServiceCall) -> None:
        record = consortium_of(session, call)
        detail = {"consortium": record.application_no, "finding": call.variables.get("finding_detail")}
        audit_step(session, actor, now, row, call, "lead_failure.cleared", detail)

    def remove_lead_unit(call: ServiceCall) -> dict[str, Any]:
        """The lead membership ends today; the unit enters the register with a three-year ban."""
        record = consortium_of(session, call)
        failed = record.lead_credit_code
        today = local_today(now)
        for member in store.members_in_force(record):
            if member.role == "lead":
                member.status, member.effective_until = "removed", today
        org = consortia.find_organisation(session, failed)
        entry = ban_from_leading(
            session,
            credit_code=failed,
            name=org.name if org else failed,
            decision_document=call.variables["decision_document"],
            description=call.variables["finding_detail"],
            consortium_id=record.id,
            instance_id=row.id,
            actor=actor,
            now=now,
        )
        detail = {"lead": failed, "banned_until": entry.restriction_until.isoformat()}
        audit_step(session, actor, now, row, call, "lead_failure.lead_removed", detail)
        return {"failed_lead_credit_code": failed, "banned_until": entry.restriction_until.isoformat()}

    def appoint_lead_unit(call: ServiceCall) -> None:
        """The named member becomes lead: its member row ends and a lead row starts the same day."""
        record = consortium_of(session, call)
        code = call.variables["new_lead_credit_code"]
        today = local_today(now)
        current = next(m for m in store.members_in_force(record) if m.credit_code == code)
        current.status, current.effective_until = "role_changed", today
        record.members.append(
            Membership(
                credit_code=code,
                role="lead",
                category=current.category,
                status="confirmed",
                effective_from=today,
            )
        )
        record.lead_credit_code, record.updated_at = code, now
        row.lead_credit_code = code
        audit_step(session, actor, now, row, call, "lead_failure.lead_appointed", {"lead": code})

    return {
        "close_lead_failure_case": close_lead_failure_case,
        "remove_lead_unit": remove_lead_unit,
        "appoint_lead_unit": appoint_lead_unit,
    }
