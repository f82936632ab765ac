"""process instances keep the Camunda type of variables JSON cannot tell (issue 12, fault 7); incidents
name the element that failed (fault 9)

A `Date` variable was stored as its ISO string and came back over /engine-rest typed `String`.
`process_instance.variable_types_json` holds `{"name": "Date"}` for the variables whose type their
JSON value does not tell; NULL (every instance so far) means none. `incident.failed_element_id` is the
element whose expression failed (Camunda's failedActivityId) when it differs from the job's element
(a script after a timer); NULL: the job's element.

Revision ID: 0009_variable_types
Revises: 0008_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_variable_types"
down_revision = "0008_audit"
branch_labels = None
depends_on = ("0002",)  # the incident table (0002 is on another branch)


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("variable_types_json", sa.Text(), nullable=True))
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("failed_element_id", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("failed_element_id")
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_column("variable_types_json")
