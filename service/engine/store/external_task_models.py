"""The external-task table (issue 16): service tasks that wait for a worker outside the product.

A projection like `human_task`: rewritten from the instance's state with every save (store/external_tasks.py
`sync`), so a task disappears when its instance moves past it (completed, interrupted by a boundary event,
cancelled). The lock, the retries and the last failure are the worker's side of Camunda's contract and live
only here (`POST /engine-rest/external-task/fetchAndLock`, `/failure`, `/extendLock`, ...).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class ExternalTask(Base):
    """One service task waiting for an external worker; its id is the engine's task id."""

    __tablename__ = "external_task"
    __table_args__ = (sa.Index("ix_external_task_topic_lock", "topic", "lock_expires_at"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        sa.ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    definition_id: Mapped[str] = mapped_column(sa.String(120))
    definition_key: Mapped[str] = mapped_column(sa.String(100))
    business_key: Mapped[str | None] = mapped_column(sa.String(100))
    element_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str | None] = mapped_column(sa.String(300))
    topic: Mapped[str] = mapped_column(sa.String(200))
    priority: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    worker_id: Mapped[str | None] = mapped_column(sa.String(255))  # the most recent lock's worker
    lock_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    retries: Mapped[int | None] = mapped_column(sa.Integer)  # None until a worker reports a failure
    error_message: Mapped[str | None] = mapped_column(sa.String(4000))
    error_details: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # the variables the task sees beyond its instance's: {"locals", "localTypes", "called", "calledTypes"}
    # (workflows/external_context.py); NULL: none
    context_json: Mapped[str | None] = mapped_column(sa.Text)
