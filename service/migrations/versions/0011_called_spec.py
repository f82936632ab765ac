"""called_spec (issue 12 fault 4): a definition's spec composed with the newest versions of the
processes its call activities call (calledElementBinding latest), and the instance's link to it

Revision ID: 0011_called_spec
Revises: 0010_rules_credit (depends on 0001, which created process_definition and process_instance)
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_called_spec"
down_revision = "0010_rules_credit"
branch_labels = None
depends_on = ("0001",)


def upgrade() -> None:
    op.create_table(
        "called_spec",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("definition_id", sa.String(length=120), nullable=False),
        sa.Column("signature", sa.String(length=2000), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definition.id"],
                                name=op.f("fk_called_spec_definition_id_process_definition")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_called_spec")),
        sa.UniqueConstraint("definition_id", "signature", name="uq_called_spec_signature"),
    )
    op.create_index(op.f("ix_called_spec_definition_id"), "called_spec", ["definition_id"], unique=False)
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("called_spec_id", sa.String(length=36), nullable=True))
        batch.create_foreign_key(batch.f("fk_process_instance_called_spec_id_called_spec"), "called_spec",
                                 ["called_spec_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_constraint(batch.f("fk_process_instance_called_spec_id_called_spec"), type_="foreignkey")
        batch.drop_column("called_spec_id")
    op.drop_index(op.f("ix_called_spec_definition_id"), table_name="called_spec")
    op.drop_table("called_spec")
