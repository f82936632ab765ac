"""task candidates carry their scope in one indexed key (issue 8: inbox at 10,000 open tasks)

The district-clerk and applicant inboxes were an OR of correlated EXISTS over every open task;
with the scope folded into `task_candidate.scope_key` they are an index lookup per key.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE task_candidate SET scope_key = CASE
    WHEN kind = 'user' THEN 'user:' || value
    WHEN (SELECT h.organisation FROM human_task h WHERE h.id = task_candidate.task_id) IS NOT NULL
        THEN 'group:' || value || '@org:'
             || (SELECT h.organisation FROM human_task h WHERE h.id = task_candidate.task_id)
    WHEN value = 'district_clerk'
        THEN 'group:district_clerk@district:'
             || COALESCE((SELECT h.district FROM human_task h WHERE h.id = task_candidate.task_id), '')
    ELSE 'group:' || value
END
"""


def upgrade() -> None:
    with op.batch_alter_table("task_candidate") as batch:
        batch.add_column(sa.Column("scope_key", sa.String(length=120), nullable=False, server_default=""))
    op.execute(BACKFILL)
    op.create_index("ix_task_candidate_scope", "task_candidate", ["scope_key", "task_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_task_candidate_scope", table_name="task_candidate")
    with op.batch_alter_table("task_candidate") as batch:
        batch.drop_column("scope_key")
