"""deadlines: working-day calendar (seeded from chinesecalendar), incidents, notifications, job payload

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:40:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import service.engine.store.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload_json", sa.Text(), server_default="{}", nullable=False))
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_year")),
    )
    calendar_day = op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("holiday_name", sa.String(length=60), nullable=True),
        sa.Column("adjusted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_day")),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("definition_id", sa.String(length=120), nullable=True),
        sa.Column("element_id", sa.String(length=100), nullable=True),
        sa.Column("incident_type", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instance.id"], name=op.f("fk_incident_instance_id_process_instance")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_incident_job_id_job"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_job_id"), ["job_id"], unique=False)
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("read_at", service.engine.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_created", ["user_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_instance_id"), ["instance_id"], unique=False)
    _seed_calendar(calendar_day)


def _seed_calendar(calendar_day: sa.Table) -> None:
    """Every year the installed chinesecalendar knows; later years are loaded with `consortium calendar`."""
    import chinese_calendar
    from chinese_calendar import constants

    from service.engine.store.calendar import days_from_package

    years = sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})
    if not years:
        return
    source = f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()
    now = datetime.now(UTC)
    op.bulk_insert(calendar_day, [row for year in years for row in days_from_package(year)])
    year_table = sa.table(
        "calendar_year",
        sa.column("year", sa.Integer),
        sa.column("source", sa.String),
        sa.column("loaded_at", service.engine.store.models.UtcDateTime(timezone=True)),
        sa.column("loaded_by", sa.String),
    )
    op.bulk_insert(year_table, [{"year": y, "source": source, "loaded_at": now, "loaded_by": "migration"}
                                for y in years])


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_instance_id"))
        batch_op.drop_index("ix_notification_user_created")
    op.drop_table("notification")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_job_id"))
        batch_op.drop_index(batch_op.f("ix_incident_instance_id"))
        batch_op.drop_index(batch_op.f("ix_incident_created_at"))
    op.drop_table("incident")
    op.drop_table("calendar_day")
    op.drop_table("calendar_year")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("payload_json")
