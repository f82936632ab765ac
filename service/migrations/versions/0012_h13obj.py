"""Objections one by one, the filing decision and the findings override (issue 13 items 3, 4, 5)

objection: verification_code (printed on the receipt, opens the public status lookup), decided_by,
decided_at, finding_document; filing: document_no (the filing decision's 文号); round_entry: the city
clerk's override of the experts' findings (reason, by, at); panel_opinion: the panel's consolidated
opinion (专家组意见) the panel leader confirms and signs.

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
    op.create_table(
        "panel_opinion",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("leader", sa.String(length=64), nullable=False),
        sa.Column("generated_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=True),
        sa.Column("confirmed_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["panel_id"], ["panel.id"], name=op.f("fk_panel_opinion_panel_id_panel")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"],
                                name=op.f("fk_panel_opinion_instance_id_process_instance")),
        sa.PrimaryKeyConstraint("panel_id", name=op.f("pk_panel_opinion")),
    )
    op.create_index(op.f("ix_panel_opinion_instance_id"), "panel_opinion", ["instance_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_panel_opinion_instance_id"), table_name="panel_opinion")
    op.drop_table("panel_opinion")
    with op.batch_alter_table("round_entry") as batch:
        for name in ("findings_override_at", "findings_override_by", "findings_override_reason"):
            batch.drop_column(name)
    with op.batch_alter_table("filing") as batch:
        batch.drop_column("document_no")
    with op.batch_alter_table("objection") as batch:
        for name in ("finding_document", "decided_at", "decided_by", "verification_code"):
            batch.drop_column(name)
