"""perf indexes: the task list's default order (issue 8, bench/inbox.py)

Without it every inbox page sorts all open tasks by creation time (24 ms at 26,000 open tasks on SQLite
for a city clerk's first page); with it the page is read from the index in order.

Revision ID: 0006
Revises: 0001
"""

from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_human_task_created", "human_task", ["created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_human_task_created", table_name="human_task")
