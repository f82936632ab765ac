"""message_subscription (issue 12 fault 10): the elements waiting for a message and the newest
definitions' message start events, which POST /engine-rest/message correlates to

Revision ID: 0012_h12msg
Revises: 0011_called_spec
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0012_h12msg"
down_revision = "0011_called_spec"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_subscription",
        sa.Column("id", sa.String(length=400), nullable=False),
        sa.Column("message_name", sa.String(length=255), nullable=False),
        sa.Column("definition_id", sa.String(length=120), nullable=False),
        sa.Column("definition_key", sa.String(length=100), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definition.id"], ondelete="CASCADE",
                                name=op.f("fk_message_subscription_definition_id_process_definition")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ondelete="CASCADE",
                                name=op.f("fk_message_subscription_instance_id_process_instance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_subscription")),
    )
    for column in ("message_name", "definition_id", "instance_id"):
        op.create_index(op.f(f"ix_message_subscription_{column}"), "message_subscription", [column])


def downgrade() -> None:
    for column in ("message_name", "definition_id", "instance_id"):
        op.drop_index(op.f(f"ix_message_subscription_{column}"), table_name="message_subscription")
    op.drop_table("message_subscription")
