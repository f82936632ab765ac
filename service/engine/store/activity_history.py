"""Stores the activity instances the engine noted during a command (workflows/activity_log.py)."""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflows.activity_log import ActivityNote

from . import direct_sql, lengths
from .activity_models import ActivityInstanceRow
from .models import ProcessInstance


def prepare(row: ProcessInstance, notes: list[ActivityNote], now: datetime, *, new: bool
            ) -> tuple[list[dict], int | None]:
    """The activity rows to `write` for this command's `notes`, and the instance's `activity_seq` after
    them (the caller writes it to the row): hands out their seq.

    Insert the activity instances that started, and end those that ended, in this command. A note
    without a start belongs to a row an earlier command stored (or, if none, started now or as it
    ended). An instance started before these rows existed (`new` False, no row yet: its
    `activity_seq` is NULL) keeps the history projected from its audit trail and gets none, so its
    history is not cut in two.

    One statement whatever the number of notes (issue 18): an INSERT … ON CONFLICT (id) DO UPDATE that
    adds the rows not stored yet and ends the stored ones a note ends; a stored row no note ends is
    left untouched (the update's WHERE), not rewritten. The last seq handed out is kept on the
    instance row (`activity_seq`, written with it)."""
    last = row.activity_seq
    if not notes or (last is None and not new):
        return [], last
    instance_id = row.id
    rows: dict[str, dict] = {}
    for note in notes:  # one row per activity instance: its first note starts it, a later one ends it
        values = rows.get(note.task_id)
        if values is None:
            values = rows[note.task_id] = {
                "id": note.task_id, "instance_id": instance_id, "element_id": note.element_id,
                "name": note.name, "process_key": note.process_key, "kind": note.kind,
                "started_at": note.start or note.end or now, "ended_at": None, "canceled": False,
                "_started": note.start is not None}
        if note.end is not None:
            values["ended_at"], values["canceled"] = note.end, note.canceled
    # seq in note order for rows started now, then the rows noted without a start (almost always stored
    # already, so most of their numbers go unused: gaps, never two rows of one instance with one seq)
    ordered = [r for r in rows.values() if r["_started"]] + [r for r in rows.values() if not r["_started"]]
    for seq, values in enumerate(ordered, start=(last or 0) + 1):
        values["seq"] = seq
        del values["_started"]
    lengths.check_rows(ActivityInstanceRow, ordered)
    return ordered, (last or 0) + len(ordered)


def write(session: Session, rows: list[dict]) -> None:
    """Store what `prepare` gave (the instance row must exist in the database: flush a new one first)."""
    if not rows:
        return
    connection = session.connection()  # on the session's connection: not the ORM's execute path
    direct_sql.execute(connection, _upsert(connection.dialect.name), rows)


@functools.lru_cache(maxsize=4)
def _upsert(dialect: str):
    """The statement `write` runs, built once per dialect (both SQLite and PostgreSQL have ON CONFLICT)."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ActivityInstanceRow.__table__)
    return insert.on_conflict_do_update(  # Core, on the table: every row has every column
        index_elements=[ActivityInstanceRow.id],
        set_={"ended_at": insert.excluded.ended_at, "canceled": insert.excluded.canceled},
        where=insert.excluded.ended_at.is_not(None),
    )


def rows(session: Session, instance_ids: list[str]) -> list[ActivityInstanceRow]:
    """The stored activity instances of these instances, in start order."""
    if not instance_ids:
        return []
    return list(session.scalars(
        sa.select(ActivityInstanceRow).where(ActivityInstanceRow.instance_id.in_(instance_ids))
        .order_by(ActivityInstanceRow.started_at, ActivityInstanceRow.seq)))
