"""decision_definition.version_tag: the decision's `camunda:versionTag` (report-b finding 3)

Camunda 7 keeps a decision's version tag and returns it in the decision definition DTO. Decisions
deployed before keep NULL.

Revision ID: 0016_hb3vtagdmn
Revises: 0016_h15dmn (created decision_definition)
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_hb3vtagdmn"
down_revision = "0016_h15dmn"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decision_definition") as batch:
        batch.add_column(sa.Column("version_tag", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decision_definition") as batch:
        batch.drop_column("version_tag")
