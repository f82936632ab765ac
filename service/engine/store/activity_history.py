"""Stores the activity instances the engine noted during a command (workflows/activity_log.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.activity_log import ActivityNote

from .activity_models import ActivityInstanceRow


def record(session: Session, instance_id: str, notes: list[ActivityNote], now: datetime, *,
           new: bool) -> None:
    """Insert the activity instances that started, and end those that ended, in this command. A note
    without a start belongs to a row an earlier command stored (or, if none, started now or as it
    ended). An instance started before these rows existed (`new` False, no row yet) keeps the history
    projected from its audit trail and gets none, so its history is not cut in two."""
    if not notes:
        return
    if not new and session.scalar(sa.select(ActivityInstanceRow.id).where(
            ActivityInstanceRow.instance_id == instance_id).limit(1)) is None:
        return
    ids = [n.task_id for n in notes]
    existing = {r.id: r for r in session.scalars(
        sa.select(ActivityInstanceRow).where(ActivityInstanceRow.id.in_(ids)))}
    seq = None
    for note in notes:
        row = existing.get(note.task_id)
        if row is None:
            if seq is None:
                seq = session.scalar(sa.select(sa.func.max(ActivityInstanceRow.seq)).where(
                    ActivityInstanceRow.instance_id == instance_id)) or 0
            seq += 1
            row = ActivityInstanceRow(
                id=note.task_id, instance_id=instance_id, element_id=note.element_id, name=note.name,
                process_key=note.process_key, kind=note.kind,
                started_at=note.start or note.end or now, canceled=False, seq=seq)
            session.add(row)
            existing[note.task_id] = row
        if note.end is not None:
            row.ended_at, row.canceled = note.end, note.canceled


def rows(session: Session, instance_ids: list[str]) -> list[ActivityInstanceRow]:
    """The stored activity instances of these instances, in start order."""
    if not instance_ids:
        return []
    return list(session.scalars(
        sa.select(ActivityInstanceRow).where(ActivityInstanceRow.instance_id.in_(instance_ids))
        .order_by(ActivityInstanceRow.started_at, ActivityInstanceRow.seq)))
