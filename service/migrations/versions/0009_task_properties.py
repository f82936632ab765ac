"""human_task keeps its element's declared camunda:properties (issue 19: no code keys on an element id)

The domain finds "the panel step" or "the step that means district review" by the properties the
diagram declares on the user task (`consortium.step`, `consortium.status`), stored with the task when
it appears. Tasks already open keep `{}`: they were created from diagrams that declared none.

Revision ID: 0009_task_properties
Revises: 0008_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_task_properties"
down_revision = "0008_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("human_task") as batch:
        batch.add_column(sa.Column("properties_json", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("human_task") as batch:
        batch.drop_column("properties_json")
