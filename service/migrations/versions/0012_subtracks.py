"""subtracks: the 细分赛道 list under each "10+1" industry, and the application's sub-track and 链主 flag

Guideline 一 ("重点领域、细分赛道") and 四（一）1 ("鼓励重点产业链链主企业…牵头"); issue 14, item 6. The
bureau's sub-tracks are not public yet: the table starts empty and an administrator enters them.

Revision ID: 0012_subtracks
Revises: 0011_called_spec
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_subtracks"
down_revision = "0011_called_spec"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sub_track",
        sa.Column("code", sa.String(length=16), primary_key=True),
        sa.Column("industry", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_sub_track_industry", "sub_track", ["industry"])
    with op.batch_alter_table("consortium") as batch:
        batch.add_column(sa.Column("sub_track", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("chain_leader", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_consortium_sub_track", ["sub_track"])


def downgrade() -> None:
    with op.batch_alter_table("consortium") as batch:
        batch.drop_index("ix_consortium_sub_track")
        batch.drop_column("chain_leader")
        batch.drop_column("sub_track")
    op.drop_index("ix_sub_track_industry", table_name="sub_track")
    op.drop_table("sub_track")
