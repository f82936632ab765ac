"""The audit trail: append-only, each event chained to the previous one of its stream by SHA-256.

A stream is one instance (whose commands are already serialized by the instance lock) or "global";
chaining per stream keeps concurrent commands on different instances from contending for one tail.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..actors import Actor
from .models import AuditEvent

GENESIS = "0" * 64


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    at: datetime,
    instance_id: str | None = None,
    task_id: str | None = None,
    element_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    stream = instance_id or "global"
    tails = session.info.setdefault("audit_tails", {})  # events of this transaction are not flushed yet
    prev = tails.get(stream) or session.scalars(
        sa.select(AuditEvent.hash).where(AuditEvent.stream == stream).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    detail_json = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    event = AuditEvent(
        stream=stream,
        at=at,
        actor=actor.id if actor else None,
        actor_groups=",".join(sorted(actor.groups)) if actor else None,
        action=action,
        instance_id=instance_id,
        task_id=task_id,
        element_id=element_id,
        detail_json=detail_json,
        prev_hash=prev or GENESIS,
    )
    event.hash = _digest(event)
    tails[stream] = event.hash
    session.add(event)
    return event


def _digest(event: AuditEvent) -> str:
    payload = "|".join(
        str(part)
        for part in (
            event.prev_hash,
            event.stream,
            event.at.isoformat(),
            event.actor,
            event.action,
            event.task_id,
            event.element_id,
            event.detail_json,
        )
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def list_events(session: Session, *, instance_id: str | None = None) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if instance_id is not None:
        query = query.where(AuditEvent.instance_id == instance_id)
    return list(session.scalars(query))


def verify_chain(session: Session, stream: str) -> bool:
    """True when no event of `stream` was altered, removed or inserted after the fact."""
    prev = GENESIS
    for event in session.scalars(
        sa.select(AuditEvent).where(AuditEvent.stream == stream).order_by(AuditEvent.id)
    ):
        if event.prev_hash != prev or _digest(event) != event.hash:
            return False
        prev = event.hash
    return True


def find_task_event(session: Session, task_id: str, action: str) -> AuditEvent | None:
    return session.scalars(
        sa.select(AuditEvent).where(AuditEvent.task_id == task_id, AuditEvent.action == action).limit(1)
    ).first()
