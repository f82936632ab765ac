"""process_definition.version_tag: the process's `camunda:versionTag` (report-b finding 3)

Camunda Modeler's properties panel writes "Version tag" as `camunda:versionTag` on the process; Camunda
7 keeps it and returns it in every process definition DTO. Definitions deployed before keep NULL (they
were read back as null: nothing was stored).

Revision ID: 0016_hb3vtag
Revises: 0012_h15juel_starter_users (the last change to process_definition)
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_hb3vtag"
down_revision = "0012_h15juel_starter_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_definition") as batch:
        batch.add_column(sa.Column("version_tag", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_definition") as batch:
        batch.drop_column("version_tag")
