"""historic_detail: variable updates (with their values) and submitted form fields, for
/engine-rest/history/detail (issue 16)

Revision ID: 0016_h16rest
Revises: 0013_hfix
"""

import sqlalchemy as sa
from alembic import op

from service.engine.store.base import UtcDateTime

revision = "0016_h16rest"
down_revision = "0013_hfix"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "historic_detail",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=True),
        sa.Column("value_type", sa.String(length=20), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("initial", sa.Boolean(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ondelete="CASCADE",
                                name=op.f("fk_historic_detail_instance_id_process_instance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_historic_detail")),
    )
    op.create_index(op.f("ix_historic_detail_instance_id"), "historic_detail", ["instance_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_historic_detail_instance_id"), table_name="historic_detail")
    op.drop_table("historic_detail")
