"""human_task.owner and human_task.delegation_state: Camunda 7's task delegation (issue 17 item 7)

`POST /task/{id}/delegate` makes the current assignee the task's owner and the delegation PENDING;
`POST /task/{id}/resolve` gives it back to the owner, RESOLVED. Open tasks keep NULL in both
(never delegated), as Camunda's tasks do.

Revision ID: 0016_h17deleg
Revises: 0009_task_properties (the last change to human_task)
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_h17deleg"
down_revision = "0009_task_properties"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("human_task") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("delegation_state", sa.String(length=10), nullable=True))
        batch.create_index("ix_human_task_owner", ["owner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("human_task") as batch:
        batch.drop_index("ix_human_task_owner")
        batch.drop_column("delegation_state")
        batch.drop_column("owner")
