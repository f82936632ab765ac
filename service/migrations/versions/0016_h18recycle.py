"""human_task.candidate_keys and task_candidate's foreign key ON UPDATE CASCADE: a save that ends one task
of an instance and opens another rewrites the ended task's row into the new one (one UPDATE, the candidate
rows following the id) instead of a DELETE and two INSERTs (issue 18: fewer statements per completion).

`candidate_keys` is the task's candidate set in one canonical string (store/core_writes.py
`candidate_keys`), so the save knows without a read whether the recycled row's candidates still fit.
NULL (a task opened before this revision): they are rewritten.

Revision ID: 0016_h18recycle
Revises: 0016_h18core
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_h18recycle"
down_revision = "0016_h18core"
branch_labels = None
depends_on = None

FK = "fk_task_candidate_task_id_human_task"


def upgrade() -> None:
    with op.batch_alter_table("human_task") as batch:
        batch.add_column(sa.Column("candidate_keys", sa.Text(), nullable=True))
    with op.batch_alter_table("task_candidate") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "human_task", ["task_id"], ["id"], ondelete="CASCADE", onupdate="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("task_candidate") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
        batch.create_foreign_key(FK, "human_task", ["task_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("human_task") as batch:
        batch.drop_column("candidate_keys")
