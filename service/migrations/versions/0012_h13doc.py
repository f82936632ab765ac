"""issued_document (issue 13 item 6): every generated PDF by its SHA-256 and printed content hash,
for /verify/<hash>

Revision ID: 0012_h13doc
Revises: 0011_called_spec
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_h13doc"
down_revision = "0011_called_spec"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_document",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("application_no", sa.String(length=40), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document")),
        sa.UniqueConstraint("sha256", name=op.f("uq_issued_document_sha256")),
    )
    for column in ("content_sha256", "application_no", "instance_id"):
        op.create_index(op.f(f"ix_issued_document_{column}"), "issued_document", [column], unique=False)


def downgrade() -> None:
    for column in ("content_sha256", "application_no", "instance_id"):
        op.drop_index(op.f(f"ix_issued_document_{column}"), table_name="issued_document")
    op.drop_table("issued_document")
