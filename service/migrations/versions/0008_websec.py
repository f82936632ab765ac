"""web security: server-side sign-in sessions (revoked on sign-out) and the sign-in throttle's counters

Revision ID: 0008_websec
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0008_websec"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_user_id"), "web_session", ["user_id"], unique=False)
    op.create_index(op.f("ix_web_session_created_at"), "web_session", ["created_at"], unique=False)
    op.create_table(
        "throttle_counter",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counter")),
    )
    op.create_index(op.f("ix_throttle_counter_expires_at"), "throttle_counter", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_throttle_counter_expires_at"), table_name="throttle_counter")
    op.drop_table("throttle_counter")
    op.drop_index(op.f("ix_web_session_created_at"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_user_id"), table_name="web_session")
    op.drop_table("web_session")
