"""Historic details (Camunda's `ACT_HI_DETAIL`, issue 16): every change of a process variable's value,
and every field of a submitted task form, kept with the value so `/history/detail` can answer."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime

VARIABLE_UPDATE = "variableUpdate"
FORM_FIELD = "formField"


class HistoricDetail(Base):
    """One detail: `kind` is `variableUpdate` (a variable got `value`; `revision` counts its earlier
    values, `initial` marks the value it was created with) or `formField` (a submitted form field)."""

    __tablename__ = "historic_detail"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(
        sa.ForeignKey("process_instance.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(255))
    value_json: Mapped[str | None] = mapped_column(sa.Text)
    value_type: Mapped[str | None] = mapped_column(sa.String(20))  # the Camunda type JSON hides ("Date")
    revision: Mapped[int] = mapped_column(sa.Integer, default=0)
    initial: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
