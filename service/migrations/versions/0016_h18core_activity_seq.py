"""process_instance.activity_seq: the last seq handed to the instance's activity rows, kept on the
instance row a command locks anyway, so a save does not read it from activity_instance (issue 18:
fewer statements per completion).

NULL: the instance has no activity rows; one started before they existed keeps the history projected
from its audit trail (store/activity_history.py). The upgrade fills it from the rows stored.

Revision ID: 0016_h18core
Revises: 0013_hfix
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_h18core"
down_revision = "0013_hfix"  # created activity_instance; a head of its own, as the branches here are
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("activity_seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE process_instance SET"
        " activity_seq = (SELECT max(a.seq) FROM activity_instance a WHERE a.instance_id = process_instance.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_column("activity_seq")
