"""Member changes by supplementary agreement (补充协议, guideline 七（三）): propose, consent, acknowledge.

Every current member must agree (one refusal ends the proposal), then the city bureau acknowledges;
members leave and join on the effective date (the diagram's timer; a date today or past at once), the
membership history keeps who joined and left on which day, and the member thresholds are checked
again for the membership that results.

No step moves a change forward while a revocation of the filing is pending (取消备案, guideline 七（二）,
report A finding 4): drafting the agreement, a member's consent and the bureau's acknowledgement are
refused (409, `hold_while_revocation_pending`), and a change whose effective date comes meanwhile is held
until the decision (applied the day after a decision to maintain; it lapses if the filing ends).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from forms.checks import member_threshold_problem
from workflows.engine import ServiceCall

from ...actors import Actor
from ...clock import local_today
from ...context import Context
from ...engine.instances import Started
from ...engine.store.models import HumanTask, ProcessInstance
from ..store import consortia
from ..store import supervision as store
from ..store.models import Membership
from ..store.supervision_models import MemberChange
from .standing import (
    SUPERVISED,
    Handler,
    audit_step,
    consortium_of,
    member_items,
    pending_revocations,
    refuse_while_open,
    refuse_while_revocation_pending,
    start_for_consortium,
)

PROCESS = "member_change"
#: the member change's forms whose completion moves it forward: form key -> (decision field, the value that
#: moves it forward, or None for any), what is refused (Chinese, English)
ADVANCING: dict[str, tuple[str | None, str | None, tuple[str, str]]] = {
    "propose_member_change": (None, None, ("提交补充协议", "submit the supplementary agreement")),
    "member_change_consent": ("consent_decision", "agree", ("同意成员变更", "consent to the member change")),
    "acknowledge_member_change": (
        "ack_decision", "acknowledged", ("确认成员变更", "acknowledge the member change")
    ),
}


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


def hold_while_revocation_pending(
    session: Session, row: ProcessInstance, task: HumanTask, data: dict[str, Any], actor: Actor, now: datetime
) -> None:
    """A `before_complete` hook (guideline 七（二）取消备案 with 七（三）补充协议; report A finding 4): while
    a revocation of the consortium's filing is pending, no step moves a member change forward: drafting the
    agreement, a member's consent (`agree`) and the bureau's acknowledgement are refused. A member may still
    refuse and the bureau may still not acknowledge (that ends the change).

    Raises:
        Conflict: naming the pending revocation (the evaluation), Chinese and English; nothing is saved.
    """
    if row.definition_key != PROCESS:
        return
    step = ADVANCING.get(task.form_key or "")
    if step is None:
        return
    field, value, doing = step
    if field is not None and data.get(field) != value:
        return
    consortium_id = json.loads(row.variables_json or "{}").get("consortium_id")
    if consortium_id is None:
        return
    refuse_while_revocation_pending(session, store.get_consortium(session, int(consortium_id)), doing)


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

    def schedule_member_change(call: ServiceCall) -> dict[str, Any]:
        """Acknowledged: the membership stays as it is until the effective date (`apply_at`, the diagram's
        timer; a date today or past fires at once)."""
        pending = change()
        pending.status = "acknowledged"
        effective = pending.effective_on or local_today(now)
        audit_step(session, actor, now, row, call, "member_change.acknowledged",
                   {"effective_on": effective.isoformat()})
        return {"apply_at": effective.isoformat(), "change_held": False}

    def apply_member_change(call: ServiceCall) -> dict[str, Any]:
        """Members leave and join on the effective date (guideline 七（三）); the thresholds are re-checked on
        the result. Held while a revocation is pending (七（二）, report A finding 4: tried again the next
        day, and applied as of that day); lapses if the consortium is no longer filed."""
        record = consortium_of(session, call)
        pending = change()
        today = local_today(now)
        if record.status not in SUPERVISED:  # revoked (or dissolved) before the change took effect
            pending.status, pending.closed_at = "lapsed", now
            audit_step(session, actor, now, row, call, "member_change.lapsed",
                       {"consortium_status": record.status})
            return {"change_held": False}
        revocations = pending_revocations(session, record)
        if revocations:
            pending.status = "held"
            audit_step(session, actor, now, row, call, "member_change.held", {"revocation": revocations})
            return {"change_held": True, "apply_at": (today + timedelta(days=1)).isoformat()}
        effective = today if pending.status == "held" else (pending.effective_on or today)
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
        return {"change_held": False}

    return {
        "prepare_member_change": prepare_member_change,
        "close_member_change": close_member_change,
        "schedule_member_change": schedule_member_change,
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
