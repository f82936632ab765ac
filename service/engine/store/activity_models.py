"""The history of activity instances (hbreak fault 5): one row per activity instance, noted by the engine
as it runs (workflows/activity_log.py) and stored with every save (store/activity_history.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class ActivityInstanceRow(Base):
    """One activity instance; its id is the engine's task id (Camunda's id is `<element>:<task id>`)."""

    __tablename__ = "activity_instance"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        sa.ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    element_id: Mapped[str] = mapped_column(sa.String(200))
    name: Mapped[str | None] = mapped_column(sa.String(300))
    process_key: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str | None] = mapped_column(sa.String(40))  # "multiInstanceBody"; NULL: the element's type
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    canceled: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    seq: Mapped[int] = mapped_column(sa.Integer, default=0)  # order within the instance (same-time starts)
