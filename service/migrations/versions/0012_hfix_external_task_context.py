"""external tasks keep the variables they see beyond their instance's (hbreak faults 2 and 3)

A service task inside a called process was handed its caller's variables, and a multi-instance one
neither its element variable nor `loopCounter`. `external_task.context_json` holds
`{"locals", "localTypes", "called", "calledTypes"}` (workflows/external_context.py); NULL: none.

Revision ID: 0012_hfix
Revises: 0009_external_tasks
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_hfix"
down_revision = "0009_external_tasks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("external_task") as batch:
        batch.add_column(sa.Column("context_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("external_task") as batch:
        batch.drop_column("context_json")
