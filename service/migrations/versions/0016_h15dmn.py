"""DMN decisions (issue 15 item 6): decision_definition, one row per deployed version of a decision

Revision ID: 0016_h15dmn
Revises: 0001 (created deployment)
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0016_h15dmn"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_definition",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("deployment_id", sa.String(length=36), sa.ForeignKey("deployment.id"), nullable=False),
        sa.Column("resource_name", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("table_json", sa.Text(), nullable=False),
        sa.Column("deployed_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version", name="uq_decision_definition_key_version"),
    )
    op.create_index("ix_decision_definition_key", "decision_definition", ["key"])
    op.create_index("ix_decision_definition_deployment_id", "decision_definition", ["deployment_id"])


def downgrade() -> None:
    op.drop_index("ix_decision_definition_deployment_id", table_name="decision_definition")
    op.drop_index("ix_decision_definition_key", table_name="decision_definition")
    op.drop_table("decision_definition")
