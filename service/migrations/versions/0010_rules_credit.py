"""rules: referral to the judicial authorities in the research credit record (科研信用档案)

Guideline 七（四）: "涉嫌犯罪的，移交司法机关依法处理". An entry of type `judicial_referral` records to
which authority and on which day the case was referred (issue 14, item 8).

Revision ID: 0010_rules_credit
Revises: 0009_rules
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_rules_credit"
down_revision = "0009_rules"
branch_labels = None
depends_on = ("0003",)  # integrity_record is created on the supervision branch


def upgrade() -> None:
    with op.batch_alter_table("integrity_record") as batch:
        batch.add_column(sa.Column("referral_authority", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("referred_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("integrity_record") as batch:
        batch.drop_column("referred_on")
        batch.drop_column("referral_authority")
