"""external tasks (issue 16): the external_task table, incidents of external tasks, suspended instances
and definitions

Revision ID: 0009_external_tasks
Revises: 0008_websec (depends on 0002, which created the incident table)
"""

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0009_external_tasks"
down_revision = "0008_websec"
branch_labels = None
depends_on = ("0002",)


def upgrade() -> None:
    op.create_table(
        "external_task",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("definition_id", sa.String(length=120), nullable=False),
        sa.Column("definition_key", sa.String(length=100), nullable=False),
        sa.Column("business_key", sa.String(length=100), nullable=True),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.BigInteger(), nullable=False),
        sa.Column("worker_id", sa.String(length=255), nullable=True),
        sa.Column("lock_expires_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=True),
        sa.Column("error_message", sa.String(length=4000), nullable=True),
        sa.Column("error_details", sa.Text(), nullable=True),
        sa.Column("created_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instance.id"],
            name=op.f("fk_external_task_instance_id_process_instance"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_task")),
    )
    op.create_index(op.f("ix_external_task_instance_id"), "external_task", ["instance_id"], unique=False)
    op.create_index("ix_external_task_topic_lock", "external_task", ["topic", "lock_expires_at"], unique=False)
    with op.batch_alter_table("incident") as batch:
        batch.alter_column("job_id", existing_type=sa.String(length=36), nullable=True)
        batch.add_column(sa.Column("external_task_id", sa.String(length=36), nullable=True))
        batch.create_index(batch.f("ix_incident_external_task_id"), ["external_task_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_incident_external_task_id_external_task"), "external_task",
            ["external_task_id"], ["id"], ondelete="CASCADE",
        )
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("suspended", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("process_definition") as batch:
        batch.add_column(sa.Column("suspended", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("process_definition") as batch:
        batch.drop_column("suspended")
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_column("suspended")
    with op.batch_alter_table("incident") as batch:
        batch.drop_constraint(batch.f("fk_incident_external_task_id_external_task"), type_="foreignkey")
        batch.drop_index(batch.f("ix_incident_external_task_id"))
        batch.drop_column("external_task_id")
        batch.alter_column("job_id", existing_type=sa.String(length=36), nullable=False)
    op.drop_index("ix_external_task_topic_lock", table_name="external_task")
    op.drop_index(op.f("ix_external_task_instance_id"), table_name="external_task")
    op.drop_table("external_task")
