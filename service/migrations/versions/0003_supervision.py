"""supervision: evaluations, member changes, projects, integrity record, renewal link

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 10:28:46.553582
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_round",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_no", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("data_from", sa.Date(), nullable=False),
        sa.Column("data_until", sa.Date(), nullable=False),
        sa.Column("grade_bands_json", sa.Text(), nullable=False),
        sa.Column("rectification_months", sa.Integer(), nullable=False),
        sa.Column("publicity_days", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=True),
        sa.Column("opened_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_round")),
        sa.UniqueConstraint("round_no", name=op.f("uq_evaluation_round_round_no")),
    )
    op.create_table(
        "consortium_project",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("project_no", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consortium_id"], ["consortium.id"], name=op.f("fk_consortium_project_consortium_id_consortium")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consortium_project")),
    )
    with op.batch_alter_table("consortium_project", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consortium_project_consortium_id"), ["consortium_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consortium_project_status"), ["status"], unique=False)

    op.create_table(
        "evaluation_result",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("publicity_until", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("rectification_until", sa.Date(), nullable=True),
        sa.Column("recorded_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consortium_id"], ["consortium.id"], name=op.f("fk_evaluation_result_consortium_id_consortium")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["evaluation_round.id"], name=op.f("fk_evaluation_result_round_id_evaluation_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_result")),
    )
    with op.batch_alter_table("evaluation_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_result_consortium_id"), ["consortium_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evaluation_result_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_result_round_id"), ["round_id"], unique=False)

    op.create_table(
        "integrity_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.String(length=18), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("restriction", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("decision_document", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("restriction_from", sa.Date(), nullable=True),
        sa.Column("restriction_until", sa.Date(), nullable=True),
        sa.Column("consortium_id", sa.Integer(), nullable=True),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consortium_id"], ["consortium.id"], name=op.f("fk_integrity_record_consortium_id_consortium")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_record")),
    )
    with op.batch_alter_table("integrity_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integrity_record_consortium_id"), ["consortium_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_integrity_record_restriction_until"), ["restriction_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_integrity_record_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "member_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("additions_json", sa.Text(), nullable=False),
        sa.Column("removals_json", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("refused_by", sa.String(length=18), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("threshold_note", sa.Text(), nullable=True),
        sa.Column("created_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consortium_id"], ["consortium.id"], name=op.f("fk_member_change_consortium_id_consortium")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_change")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_member_change_instance_id")),
    )
    with op.batch_alter_table("member_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_change_consortium_id"), ["consortium_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_change_status"), ["status"], unique=False)

    op.create_table(
        "renewal_invitation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("lead_credit_code", sa.String(length=18), nullable=False),
        sa.Column("invited_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("application_no", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["consortium_id"], ["consortium.id"], name=op.f("fk_renewal_invitation_consortium_id_consortium")
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["filing.id"], name=op.f("fk_renewal_invitation_filing_id_filing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renewal_invitation")),
        sa.UniqueConstraint("filing_id", name=op.f("uq_renewal_invitation_filing_id")),
    )
    with op.batch_alter_table("renewal_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_renewal_invitation_consortium_id"), ["consortium_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_renewal_invitation_lead_credit_code"), ["lead_credit_code"], unique=False
        )

    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_filing_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_consortium_previous_filing_id"), ["previous_filing_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_consortium_previous_filing_id_filing"), "filing", ["previous_filing_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_consortium_previous_filing_id_filing"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_consortium_previous_filing_id"))
        batch_op.drop_column("previous_filing_id")

    with op.batch_alter_table("renewal_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_renewal_invitation_lead_credit_code"))
        batch_op.drop_index(batch_op.f("ix_renewal_invitation_consortium_id"))

    op.drop_table("renewal_invitation")
    with op.batch_alter_table("member_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_change_status"))
        batch_op.drop_index(batch_op.f("ix_member_change_consortium_id"))

    op.drop_table("member_change")
    with op.batch_alter_table("integrity_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrity_record_subject_id"))
        batch_op.drop_index(batch_op.f("ix_integrity_record_restriction_until"))
        batch_op.drop_index(batch_op.f("ix_integrity_record_consortium_id"))

    op.drop_table("integrity_record")
    with op.batch_alter_table("evaluation_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_result_round_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_result_instance_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_result_consortium_id"))

    op.drop_table("evaluation_result")
    with op.batch_alter_table("consortium_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consortium_project_status"))
        batch_op.drop_index(batch_op.f("ix_consortium_project_consortium_id"))

    op.drop_table("consortium_project")
    op.drop_table("evaluation_round")
