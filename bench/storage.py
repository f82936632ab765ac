"""How many bytes an instance leaves behind: its payload columns, and the database's growth on disk."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from service.context import Context
from service.engine.store.db import is_postgres
from service.engine.store.models import AuditEvent, ProcessInstance


def on_disk(ctx: Context) -> int:
    """Bytes of tables and indexes (PostgreSQL) or of the checkpointed database file (SQLite)."""
    with ctx.db.connect() as conn:
        if is_postgres(ctx.db):
            return int(
                conn.execute(
                    sa.text(
                        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
                    )
                ).scalar()
            )
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(ctx.db.url.database).stat().st_size


def payload(ctx: Context, instance_ids: list[str]) -> dict[str, float]:
    """Average stored characters per instance: state JSON, variables JSON, audit events and their detail."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        state, variables = session.execute(
            sa.select(
                sa.func.sum(sa.func.length(ProcessInstance.state_json)),
                sa.func.sum(sa.func.length(ProcessInstance.variables_json)),
            ).where(ProcessInstance.id.in_(instance_ids))
        ).one()
        events, detail = session.execute(
            sa.select(sa.func.count(), sa.func.sum(sa.func.length(AuditEvent.detail_json))).where(
                AuditEvent.instance_id.in_(instance_ids)
            )
        ).one()
    n = len(instance_ids)
    return {
        "state_json": (state or 0) / n,
        "variables_json": (variables or 0) / n,
        "audit_events": events / n,
        "audit_detail": (detail or 0) / n,
    }
