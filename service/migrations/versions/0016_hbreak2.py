"""Project numbers unique per consortium (breakit F13): consortium_project (consortium_id, project_no).

A number recorded twice before this revision keeps its first row; each later row's number is suffixed
with `#<row id>` so the constraint can be created and the clerk can still tell the rows apart.

Revision ID: 0016_hbreak2
Revises: 0015_h14measures
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_hbreak2"
down_revision = "0015_h14measures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    project = sa.table("consortium_project", sa.column("id", sa.Integer), sa.column("consortium_id", sa.Integer),
                       sa.column("project_no", sa.String))
    seen: set[tuple[int, str]] = set()
    for row_id, consortium_id, number in bind.execute(
        sa.select(project.c.id, project.c.consortium_id, project.c.project_no).order_by(project.c.id)
    ):
        if (consortium_id, number) in seen:
            renamed = f"{number}#{row_id}"[-60:]
            bind.execute(project.update().where(project.c.id == row_id).values(project_no=renamed))
        else:
            seen.add((consortium_id, number))
    with op.batch_alter_table("consortium_project") as batch:
        batch.create_unique_constraint("uq_consortium_project_no", ["consortium_id", "project_no"])


def downgrade() -> None:
    with op.batch_alter_table("consortium_project") as batch:
        batch.drop_constraint("uq_consortium_project_no", type_="unique")
