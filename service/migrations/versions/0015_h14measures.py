"""Support measures (guideline 六) and progress reports (七（一）), issue 14 items 10 and 11:
consortium_project.mode / amount_wan, support_measure, progress_report

Revision ID: 0015_h14measures
Revises: 0003 (created consortium_project)
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0015_h14measures"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consortium_project") as batch:
        batch.add_column(sa.Column("mode", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("amount_wan", sa.Float(), nullable=True))
    op.create_table(
        "support_measure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consortium_id", sa.Integer(), sa.ForeignKey("consortium.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("amount_wan", sa.Float(), nullable=True),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_support_measure_consortium_id", "support_measure", ["consortium_id"])
    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consortium_id", sa.Integer(), sa.ForeignKey("consortium.id"), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("submitted_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_progress_report_consortium_id", "progress_report", ["consortium_id"])


def downgrade() -> None:
    op.drop_index("ix_progress_report_consortium_id", table_name="progress_report")
    op.drop_table("progress_report")
    op.drop_index("ix_support_measure_consortium_id", table_name="support_measure")
    op.drop_table("support_measure")
    with op.batch_alter_table("consortium_project") as batch:
        batch.drop_column("amount_wan")
        batch.drop_column("mode")
