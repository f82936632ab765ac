"""Third-party evaluation agencies (guideline 七（二）; issue 14 item 12): evaluation_agency,
agency_assignment, and the `evaluation_agency` group (scoped to the agency's organisation)

Revision ID: 0016_h14eval
Revises: 0015_h14measures (the supervision tables); depends on 0014_h15ident (app_group)
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0016_h14eval"
down_revision = "0015_h14measures"
branch_labels = None
depends_on = "0014_h15ident"

GROUP = {"id": "evaluation_agency", "name": "第三方评估机构 / Evaluation agency", "type": "SYSTEM",
         "scope": "organisation"}


def upgrade() -> None:
    op.create_table(
        "evaluation_agency",
        sa.Column("credit_code", sa.String(length=18), sa.ForeignKey("organisation.credit_code"),
                  nullable=False),
        sa.Column("qualification", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credit_code"),
    )
    op.create_table(
        "agency_assignment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("evaluation_round.id"), nullable=False),
        sa.Column("consortium_id", sa.Integer(), sa.ForeignKey("consortium.id"), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=18), sa.ForeignKey("evaluation_agency.credit_code"),
                  nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.Column("report_file_id", sa.String(length=64), nullable=True),
        sa.Column("report_name", sa.String(length=255), nullable=True),
        sa.Column("report_sha256", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("instance_id", "round_id", "consortium_id", "agency_code", "status"):
        op.create_index(f"ix_agency_assignment_{column}", "agency_assignment", [column])
    known = op.get_bind().execute(sa.text("SELECT id FROM app_group WHERE id = :id"), {"id": GROUP["id"]})
    if known.first() is None:
        op.bulk_insert(sa.table("app_group", *(sa.column(k) for k in GROUP)), [GROUP])
    else:  # a group of that name made by hand: it is the agencies' now, scoped to their organisation
        op.execute(sa.text("UPDATE app_group SET scope = 'organisation' WHERE id = 'evaluation_agency'"))


def downgrade() -> None:
    for column in ("instance_id", "round_id", "consortium_id", "agency_code", "status"):
        op.drop_index(f"ix_agency_assignment_{column}", table_name="agency_assignment")
    op.drop_table("agency_assignment")
    op.drop_table("evaluation_agency")
    op.execute(sa.text("DELETE FROM app_group WHERE id = 'evaluation_agency'"))
