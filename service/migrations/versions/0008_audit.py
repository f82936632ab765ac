"""audit trail: every column hashed, a per-stream sequence, signed checkpoints (issue 11, fault 7)

Adds `audit_event.seq` (1, 2, … within each stream, unique with the stream) and the
`audit_checkpoint` table (the latest signed head of each stream; see service/engine/store/audit_anchor.py).

The upgrade RE-CHAINS every existing event under the new scheme (consortium-audit/2: seq, stream, at,
actor, actor_groups, action, instance_id, task_id, element_id, detail_json, prev_hash): seq follows the
old row order within each stream, and prev_hash/hash are recomputed. Run `consortium audit verify`
before upgrading if the old chains matter: tampering done before the upgrade is sealed in by it. No
checkpoint exists until the first scheduler tick or `consortium audit verify` after the upgrade.
The downgrade drops the column and the table (the hashes stay in the new scheme).

Revision ID: 0008_audit
Revises: 0007
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0008_audit"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _digest(row, seq: int, prev_hash: str) -> str:
    """The consortium-audit/2 digest, frozen here as this revision wrote it (service/engine/store/audit.py)."""
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    payload = json.dumps(
        [
            "consortium-audit/2",
            seq,
            row.stream,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            row.actor,
            row.actor_groups,
            row.action,
            row.instance_id,
            row.task_id,
            row.element_id,
            row.detail_json,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    events = sa.table(
        "audit_event",
        sa.column("id", sa.Integer),
        sa.column("stream", sa.String),
        sa.column("seq", sa.Integer),
        sa.column("at", service.engine.store.models.UtcDateTime(timezone=True)),
        sa.column("actor", sa.String),
        sa.column("actor_groups", sa.String),
        sa.column("action", sa.String),
        sa.column("instance_id", sa.String),
        sa.column("task_id", sa.String),
        sa.column("element_id", sa.String),
        sa.column("detail_json", sa.Text),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(events).order_by(events.c.stream, events.c.id))
    updates, stream, seq, prev = [], None, 0, GENESIS
    for row in rows:
        if row.stream != stream:
            stream, seq, prev = row.stream, 0, GENESIS
        seq += 1
        digest = _digest(row, seq, prev)
        updates.append({"row_id": row.id, "seq": seq, "prev_hash": prev, "hash": digest})
        prev = digest
    update = (
        events.update()
        .where(events.c.id == sa.bindparam("row_id"))
        .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash"))
    )
    for start in range(0, len(updates), 1000):
        connection.execute(update, updates[start : start + 1000])
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_audit_event_stream_seq", ["stream", "seq"])
    op.create_table(
        "audit_checkpoint",
        sa.Column("stream", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("stream", name=op.f("pk_audit_checkpoint")),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoint")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_constraint("uq_audit_event_stream_seq", type_="unique")
        batch.drop_column("seq")
