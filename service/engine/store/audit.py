"""The audit trail: append-only, each event chained to the previous one of its stream by SHA-256.

A stream is one instance (whose commands are already serialized by the instance lock) or "global";
chaining per stream keeps concurrent commands on different instances from contending for one tail.

Every column of an event is hashed (`digest`), together with `seq`, its position in the stream (1, 2,
…): editing any column, moving an event to another instance, reordering, or removing or inserting an
event in the middle breaks the chain. What a chain alone cannot show — its last events or the whole
stream removed, or a row edited and every later hash recomputed — the signed checkpoints show
(store/audit_checkpoints.py, engine/audit_trail.py).

`record` costs no statement per event: the tail (hash, seq) of each stream is read once per
transaction and then kept in `session.info`, and the events wait there too until the session's next
flush or its commit writes them all in one INSERT (`write_pending`; dropped with a rolled-back
transaction or savepoint). On PostgreSQL that first read takes a transaction-scoped
advisory lock on the stream (in the same round trip: `_read_tail`), so two transactions that append to
one stream (the "global" stream, or a comment beside a completion) queue instead of forking it; SQLite
writers are serialized already.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as orm_events
from sqlalchemy.orm import Session

from ...actors import Actor
from . import direct_sql, lengths
from .models import AuditEvent

GENESIS = "0" * 64
SCHEME = "consortium-audit/2"  # bump when the hashed fields change; 0008_audit re-chained under /2


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
) -> None:
    """Append one event to the stream of `instance_id` (or "global"); written with the session's next
    flush or at its commit, whichever comes first (`write_pending`), in one INSERT with the others."""
    stream = instance_id or "global"
    tails = session.info.setdefault("audit_tails", {})  # events of this transaction are not written yet
    tail = tails.get(stream)
    if tail is None:
        write_pending(session)  # the tail read below must see this transaction's events
        tail = _read_tail(session, stream)
    prev, seq = tail
    row = {
        "stream": stream,
        "seq": seq + 1,
        "at": at,
        "actor": actor.id if actor else None,
        "actor_groups": ",".join(sorted(actor.groups)) if actor else None,
        "action": action,
        "instance_id": instance_id,
        "task_id": task_id,
        "element_id": element_id,
        "detail_json": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        "prev_hash": prev,
    }
    row["hash"] = digest_of(**row)
    if NEXT_ID in session.info:
        row["id"] = session.info[NEXT_ID]
        session.info[NEXT_ID] += 1
    tails[stream] = (row["hash"], row["seq"])
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING, []).append((transaction, row))


PENDING = "audit_pending"
"""`session.info` key: [(the SessionTransaction it was recorded in, row)] of events not yet written."""


def write_pending(session: Session) -> None:
    """Write the events `record` kept, in one INSERT (Core: the unit of work's bookkeeping cost more than
    the statement, issue 18). Raises InvalidInput for a string longer than its column."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    rows = [row for _, row in pending]
    lengths.check_rows(AuditEvent, rows)
    numbered, unnumbered = [r for r in rows if "id" in r], [r for r in rows if "id" not in r]
    for group in (numbered, unnumbered):  # one shape per statement
        if group:
            direct_sql.execute(session.connection(), _INSERT, group)


@orm_events.listens_for(Session, "after_flush")
def _written_with_the_flush(session: Session, _context) -> None:
    write_pending(session)


@orm_events.listens_for(Session, "before_commit")
def _written_before_commit(session: Session) -> None:
    write_pending(session)


@orm_events.listens_for(Session, "after_soft_rollback")
def _dropped_with_their_transaction(session: Session, previous) -> None:
    """Events recorded in a transaction (or savepoint) that rolled back are dropped with it, and the
    kept tails forgotten (read again after the rollback)."""
    pending = session.info.get(PENDING)
    if not pending:
        return
    kept = [(tx, row) for tx, row in pending if not _within(tx, previous)]
    if len(kept) != len(pending):
        session.info[PENDING] = kept
        session.info.pop("audit_tails", None)


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def know_tail(session: Session, stream: str, last_hash: str | None, last_seq: int | None, *,
              last_id: int | None) -> None:
    """Keep the tail of `stream` and the last event id, read where no other transaction can append
    meanwhile (SQLite's writer holds the database from `BEGIN IMMEDIATE` to its commit), so `record`
    reads neither: it numbers the events itself, as SQLite would (the largest id + 1), and so the
    flush writes them in one statement instead of one INSERT … RETURNING per event (issue 18)."""
    tails = session.info.setdefault("audit_tails", {})
    if stream not in tails:
        tails[stream] = (last_hash, last_seq) if last_seq is not None else (GENESIS, 0)
    session.info.setdefault(NEXT_ID, (last_id or 0) + 1)


NEXT_ID = "audit_next_id"
"""`session.info` key: the id `record` gives the next event, when `know_tail` learnt it (SQLite)."""


def _read_tail(session: Session, stream: str) -> tuple[str, int]:
    """The last (hash, seq) of `stream`, (GENESIS, 0) when empty; locks the stream on PostgreSQL, where
    one call of `consortium_audit_tail` (migration 0016_h18audit_tail) takes the advisory lock and then
    reads the tail in a snapshot taken after the lock was granted."""
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(_TAIL_AFTER_LOCK, {"stream": stream, "key": stream_lock_key(stream)}).first()
    else:
        row = session.execute(
            sa.select(AuditEvent.hash, AuditEvent.seq)
            .where(AuditEvent.stream == stream)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
    return (row[0], row[1]) if row else (GENESIS, 0)


_INSERT = sa.insert(AuditEvent.__table__)
_TAIL_AFTER_LOCK = sa.text(
    "SELECT tail_hash, tail_seq FROM consortium_audit_tail(CAST(:stream AS varchar), CAST(:key AS bigint))"
)


def stream_lock_key(stream: str) -> int:
    """A signed 64-bit advisory-lock key for `stream` (stable across processes)."""
    return int.from_bytes(hashlib.sha256(f"audit:{stream}".encode()).digest()[:8], "big", signed=True)


def canonical_time(at: datetime) -> str:
    """The hashed form of a time: UTC, microseconds (what both databases store and return)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def digest_of(
    *,
    seq: int,
    stream: str,
    at: datetime,
    actor: str | None,
    actor_groups: str | None,
    action: str,
    instance_id: str | None,
    task_id: str | None,
    element_id: str | None,
    detail_json: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) over every column of an event but its row id and its own hash.

    The fields are encoded as one JSON array, so no value can shift a boundary between two fields.
    """
    payload = json.dumps(
        [
            SCHEME,
            seq,
            stream,
            canonical_time(at),
            actor,
            actor_groups,
            action,
            instance_id,
            task_id,
            element_id,
            detail_json,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def digest(event: AuditEvent) -> str:
    """The hash `event` must carry (see `digest_of`)."""
    return digest_of(
        seq=event.seq,
        stream=event.stream,
        at=event.at,
        actor=event.actor,
        actor_groups=event.actor_groups,
        action=event.action,
        instance_id=event.instance_id,
        task_id=event.task_id,
        element_id=event.element_id,
        detail_json=event.detail_json,
        prev_hash=event.prev_hash,
    )


def list_events(session: Session, *, instance_id: str | None = None) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if instance_id is not None:
        query = query.where(AuditEvent.instance_id == instance_id)
    return list(session.scalars(query))


def stream_events(session: Session, stream: str, *, after_seq: int = 0) -> list[AuditEvent]:
    """The events of `stream` with seq > `after_seq`, in stream order."""
    return list(
        session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.stream == stream, AuditEvent.seq > after_seq)
            .order_by(AuditEvent.seq, AuditEvent.id)
        )
    )


def verify_chain(session: Session, stream: str) -> bool:
    """True when the chain of `stream` is whole: every event hashes to its `hash`, links to the one
    before and follows it in `seq`. Truncation and rewrites need the checkpoints (engine/audit_trail)."""
    return not chain_breaks(stream_events(session, stream))


def chain_breaks(
    events: list[AuditEvent], *, prev_hash: str = GENESIS, prev_seq: int = 0
) -> list[tuple[AuditEvent, str]]:
    """(event, reason) for every event where the chain of one stream breaks, in stream order.

    `events` are one stream's, ordered by seq; start from `prev_hash`/`prev_seq` to check a suffix.
    Reasons: "seq" (an event missing, duplicated or moved before it), "link" (its prev_hash is not the
    hash before it), "hash" (its columns do not hash to its `hash`: edited), "stream" (its stream is not
    its instance's).
    """
    found: list[tuple[AuditEvent, str]] = []
    for event in events:
        if event.stream != (event.instance_id or "global"):
            found.append((event, "stream"))
        elif digest(event) != event.hash:
            found.append((event, "hash"))
        elif event.seq != prev_seq + 1:
            found.append((event, "seq"))
        elif event.prev_hash != prev_hash:
            found.append((event, "link"))
        prev_hash, prev_seq = event.hash, event.seq
    return found


def find_task_event(session: Session, task_id: str, action: str) -> AuditEvent | None:
    return session.scalars(
        sa.select(AuditEvent).where(AuditEvent.task_id == task_id, AuditEvent.action == action).limit(1)
    ).first()
