"""Signed checkpoints of the audit streams' heads, one row per stream (the latest), see audit_anchor.py."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit_anchor import Head
from .base import Base, UtcDateTime
from .models import AuditEvent


class AuditCheckpoint(Base):
    """The latest signed head of one audit stream (its history is the checkpoint log file)."""

    __tablename__ = "audit_checkpoint"
    stream: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.Integer)
    head_hash: Mapped[str] = mapped_column(sa.String(64))
    count: Mapped[int] = mapped_column(sa.Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    mac: Mapped[str] = mapped_column(sa.String(64))


def current_heads(session: Session) -> dict[str, tuple[int, str, int]]:
    """stream -> (last seq, its hash, number of events), for every stream with events; one query."""
    per_stream = (
        sa.select(
            AuditEvent.stream,
            sa.func.max(AuditEvent.seq).label("seq"),
            sa.func.count().label("n"),
        )
        .group_by(AuditEvent.stream)
        .subquery()
    )
    rows = session.execute(
        sa.select(per_stream.c.stream, per_stream.c.seq, per_stream.c.n, AuditEvent.hash).join(
            AuditEvent,
            sa.and_(AuditEvent.stream == per_stream.c.stream, AuditEvent.seq == per_stream.c.seq),
        )
    )
    return {row.stream: (row.seq, row.hash, row.n) for row in rows}


def stored(session: Session) -> dict[str, tuple[Head, str]]:
    """stream -> (head, mac) of every checkpoint row."""
    return {
        row.stream: (Head(row.stream, row.seq, row.head_hash, row.count, row.at), row.mac)
        for row in session.scalars(sa.select(AuditCheckpoint))
    }


def save(session: Session, head: Head, mac: str) -> None:
    """Insert or advance the stream's checkpoint row (never moves it back: concurrent schedulers)."""
    values = {
        "stream": head.stream,
        "seq": head.seq,
        "head_hash": head.head_hash,
        "count": head.count,
        "at": head.at,
        "mac": mac,
    }
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(AuditCheckpoint).values(**values)
    table = AuditCheckpoint.__table__
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.stream],
            set_={k: insert.excluded[k] for k in values if k != "stream"},
            where=table.c.seq <= insert.excluded.seq,
        )
    )
