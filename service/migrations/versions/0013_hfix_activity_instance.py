"""activity_instance: one row per activity instance, noted by the engine as it runs (hbreak fault 5)

History of activity instances was projected from the audit trail, which names only some elements (no
start and end events, no gateways, nothing a loop passed within one command) and no cancellations.

Revision ID: 0013_hfix
Revises: 0012_hfix
"""

import sqlalchemy as sa
from alembic import op

from service.engine.store.base import UtcDateTime

revision = "0013_hfix"
down_revision = "0012_hfix"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_instance",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("process_key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("canceled", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ondelete="CASCADE",
                                name=op.f("fk_activity_instance_instance_id_process_instance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_instance")),
    )
    op.create_index(op.f("ix_activity_instance_instance_id"), "activity_instance", ["instance_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_instance_instance_id"), table_name="activity_instance")
    op.drop_table("activity_instance")
