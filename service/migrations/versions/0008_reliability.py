"""idempotent page submissions and mail hand-offs (issue 11: reliability)

`idempotent_request`: a page form's idempotency token, claimed before the handler acts, with the page it
redirected to, so a replayed submission returns the first result. `mail_handoff`: each attempt to hand an
outbox e-mail to the relay, committed before the relay is called, so a retry after a crash is detectable.

Revision ID: 0008_reliability
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from service.engine.store.models import UtcDateTime

revision = "0008_reliability"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotent_request",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotent_request")),
    )
    op.create_index("ix_idempotent_request_created_at", "idempotent_request", ["created_at"])
    op.create_table(
        "mail_handoff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("handed_off_at", UtcDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_handoff")),
    )
    op.create_index("ix_mail_handoff_job_id", "mail_handoff", ["job_id"])
    op.create_index("ix_mail_handoff_message_id", "mail_handoff", ["message_id"])


def downgrade() -> None:
    op.drop_table("mail_handoff")
    op.drop_table("idempotent_request")
