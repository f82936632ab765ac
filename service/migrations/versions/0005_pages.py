"""pages: task drafts and stored files

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_draft",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("saved_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "user_id", name=op.f("pk_task_draft")),
    )
    op.create_table(
        "stored_file",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("uploaded_by", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
    )
    op.create_index(op.f("ix_stored_file_sha256"), "stored_file", ["sha256"], unique=False)
    op.create_index(op.f("ix_stored_file_instance_id"), "stored_file", ["instance_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_stored_file_instance_id"), table_name="stored_file")
    op.drop_index(op.f("ix_stored_file_sha256"), table_name="stored_file")
    op.drop_table("stored_file")
    op.drop_table("task_draft")
