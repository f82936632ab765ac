"""Tables of the deadlines area: the working-day calendar, incidents of failed jobs, notifications.

Kept in their own module, imported at the end of `models.py`, so the one metadata still describes the
whole schema while this area's tables sit together.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class CalendarYear(Base):
    """A year whose State Council arrangement is loaded; a computation reaching any other year refuses."""

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(200))  # "chinesecalendar 1.11.0" or the loaded file
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    loaded_by: Mapped[str | None] = mapped_column(sa.String(64))


class CalendarDay(Base):
    """One day of a loaded year: whether offices work, and why not (or why on a weekend: 调休)."""

    __tablename__ = "calendar_day"
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(sa.Boolean)
    holiday_name: Mapped[str | None] = mapped_column(sa.String(60))
    adjusted: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # a weekend day worked instead


class Incident(Base):
    """A job that ran out of retries: listed for administrators until one of them retries it."""

    __tablename__ = "incident"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    job_id: Mapped[str | None] = mapped_column(sa.ForeignKey("job.id", ondelete="CASCADE"), index=True)
    # a failedExternalTask incident (issue 16) names its external task instead of a job
    external_task_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("external_task.id", ondelete="CASCADE"), index=True
    )
    instance_id: Mapped[str | None] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    definition_id: Mapped[str | None] = mapped_column(sa.String(120))
    element_id: Mapped[str | None] = mapped_column(sa.String(100))
    failed_element_id: Mapped[str | None] = mapped_column(sa.String(100))  # where the expression failed
    incident_type: Mapped[str] = mapped_column(sa.String(40))  # failedJob | failedExternalTask
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class Notification(Base):
    """An in-app message to one user (reminders, overdue tasks, escalations); e-mail goes via the outbox."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_created", "user_id", "created_at"),)
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    instance_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
