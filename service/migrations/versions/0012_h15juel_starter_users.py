"""process_definition.starter_users (issue 15 item 4): `camunda:candidateStarterUsers`, the users
besides the starter groups who may start a definition

Revision ID: 0012_h15juel_starter_users
Revises: 0011_called_spec (depends on 0001, which created process_definition)
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_h15juel_starter_users"
down_revision = "0011_called_spec"
branch_labels = None
depends_on = ("0001",)


def upgrade() -> None:
    with op.batch_alter_table("process_definition") as batch:
        batch.add_column(sa.Column("starter_users", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_definition") as batch:
        batch.drop_column("starter_users")
