"""Member changes by supplementary agreement (补充协议, guideline 七（三）): propose, consent, acknowledge.

Every current member must agree (one refusal ends the proposal), then the city bureau acknowledges;
the membership history keeps who joined and left on which day, and the member thresholds are checked
again for the membership that results.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from forms.checks import member_threshold_problem
from workflows.engine import ServiceCall

from ...actors import Actor
from ...clock import local_today
from ...context import Context
from ...engine.instances import Started
from ...engine.store.models import ProcessInstance
from ..store import consortia
from ..store import supervision as store
from ..store.models import Membership
from ..store.supervision_models import MemberChange
from .standing import (
    Handler,
    audit_step,
    consortium_of,
    member_items,
    refuse_while_open,
    refuse_while_revocation_pending,
    start_for_consortium,
)

PROCESS = "member_change"


def start_member_change(ctx: Context, *, actor: Actor, consortium_id: int, reason: str | None = None
                        ) -> Started:
    """Start a member change for the lead unit's own consortium; it drafts the agreement in its first task.
    `reason` (why the membership changes; the edges require it) is kept as the variable `change_reason`.

    One at a time (breakit F22): each change checks the thresholds (三（二）) against the membership of its
    own moment, so two open at once could together leave the consortium below them.

    Raises:
        NotFound: no such consortium.
        Conflict: a member change of the consortium is still open, or a revocation of its filing is
            pending (陈述申辩 or the revocation decision open; naming them).
        Forbidden / Conflict: not the lead unit, or the consortium is not filed (from the diagram's
            first step, which reads the consortium from its record).
    """
    def one_at_a_time(session: Session, record) -> None:
        refuse_while_open(session, record, (PROCESS,), ("再发起成员变更", "start another member change"))
        # report finding 6: like dissolution, no membership change while the filing is about to be revoked
        refuse_while_revocation_pending(session, record, ("发起成员变更", "start a member change"))

    variables = {"change_reason": reason.strip()} if reason and reason.strip() else None
    return start_for_consortium(ctx, actor=actor, consortium_id=consortium_id, key=PROCESS, prefix="BCXY",
                                variables=variables, check=one_at_a_time)


def topics(session: Session, row: ProcessInstance, actor: Actor, now: datetime) -> dict[str, Handler]:
    """The service-task topics of `member_change`."""

    def change() -> MemberChange:
        found = store.member_change_of(session, row.id)
        if found is None:
            raise LookupError(f"no member change recorded for instance {row.id}")
        return found

    def prepare_member_change(call: ServiceCall) -> dict[str, Any]:
        """Register the proposal and ask every current member other than the proposing lead unit."""
        record = consortium_of(session, call)
        session.add(
            MemberChange(
                consortium_id=record.id,
                instance_id=row.id,
                status="proposed",
                additions_json=json.dumps(call.variables.get("additions") or [], ensure_ascii=False),
                removals_json=json.dumps(call.variables.get("removals") or []),
                effective_on=date.fromisoformat(call.variables["effective_on"]),
                created_at=now,
            )
        )
        audit_step(
            session, actor, now, row, call, "member_change.proposed", {"consortium": record.application_no}
        )
        consents = [
            {"credit_code": m["credit_code"], "name": m["name"]}
            for m in member_items(session, record)
            if m["role"] != "lead"
        ]
        return {"consents": consents}

    def close_member_change(call: ServiceCall) -> None:
        """End the proposal: a member refused (naming it and why), or the bureau did not acknowledge."""
        record = change()
        record.status, record.closed_at = str(call.inputs.get("status") or "refused"), now
        refused = next(
            (c for c in call.variables.get("consents") or [] if c.get("consent_decision") == "refuse"), None
        )
        if record.status == "refused" and refused:
            record.refused_by, record.refusal_reason = refused["credit_code"], refused.get("reason")
        elif record.status == "rejected":
            record.refusal_reason = call.variables.get("ack_opinion")
        detail = {"status": record.status, "refused_by": record.refused_by, "reason": record.refusal_reason}
        audit_step(session, actor, now, row, call, f"member_change.{record.status}", detail)

    def apply_member_change(call: ServiceCall) -> None:
        """Members leave and join on the effective date; the thresholds are re-checked on the result."""
        record = consortium_of(session, call)
        pending = change()
        effective = pending.effective_on or local_today(now)
        removals = set(json.loads(pending.removals_json))
        for member in store.members_in_force(record):
            if member.credit_code in removals:
                member.status, member.effective_until = "withdrawn", effective
        for item in json.loads(pending.additions_json):
            org = consortia.ensure_organisation(  # registered (or pending) when the change was proposed
                session, credit_code=item["credit_code"], name=item["name"], category=item["category"]
            )
            record.members.append(
                Membership(
                    credit_code=item["credit_code"],
                    role=item["role"],
                    category=org.category,  # the register's category
                    status="confirmed",
                    effective_from=effective,
                )
            )
        session.flush()
        remaining = [m for m in member_items(session, record) if m["role"] != "lead"]
        problem = member_threshold_problem(remaining)
        pending.threshold_note = (
            f"{problem}；说明：{call.variables.get('threshold_justification') or '（无）'}"
            if problem
            else None
        )
        pending.status, pending.closed_at, record.updated_at = "applied", now, now
        detail = {"effective_on": effective.isoformat(), "threshold_note": pending.threshold_note}
        audit_step(session, actor, now, row, call, "member_change.applied", detail)

    return {
        "prepare_member_change": prepare_member_change,
        "close_member_change": close_member_change,
        "apply_member_change": apply_member_change,
    }


def describe_change(change: MemberChange) -> dict[str, Any]:
    return {
        "instanceId": change.instance_id,
        "status": change.status,
        "additions": json.loads(change.additions_json),
        "removals": json.loads(change.removals_json),
        "effectiveOn": change.effective_on.isoformat() if change.effective_on else None,
        "refusedBy": change.refused_by,
        "refusalReason": change.refusal_reason,
        "thresholdNote": change.threshold_note,
    }
