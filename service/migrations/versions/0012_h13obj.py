"""Objections one by one, the filing decision and the findings override (issue 13 items 3, 4, 5)

objection: verification_code (printed on the receipt, opens the public status lookup), decided_by,
decided_at, finding_document; filing: document_no (the filing decision's 文号); round_entry: the city
clerk's override of the experts' findings (reason, by, at).

Revision ID: 0012_h13obj
Revises: 0011_called_spec (objection and filing from 0001, round_entry from 0004)
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0012_h13obj"
down_revision = "0011_called_spec"
branch_labels = None
depends_on = ("0001", "0004")


def upgrade() -> None:
    with op.batch_alter_table("objection") as batch:
        batch.add_column(sa.Column("verification_code", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("decided_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("finding_document", sa.String(length=200), nullable=True))
    with op.batch_alter_table("filing") as batch:
        batch.add_column(sa.Column("document_no", sa.String(length=100), nullable=True))
    with op.batch_alter_table("round_entry") as batch:
        batch.add_column(sa.Column("findings_override_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("findings_override_by", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("findings_override_at", service.engine.store.models.UtcDateTime(timezone=True),
                      nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("round_entry") as batch:
        for name in ("findings_override_at", "findings_override_by", "findings_override_reason"):
            batch.drop_column(name)
    with op.batch_alter_table("filing") as batch:
        batch.drop_column("document_no")
    with op.batch_alter_table("objection") as batch:
        for name in ("finding_document", "decided_at", "decided_by", "verification_code"):
            batch.drop_column(name)
