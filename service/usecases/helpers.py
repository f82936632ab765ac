"""Functions the diagrams may call besides the engine's own safe helpers (dates on the bureau's calendar)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from . import calendar

if TYPE_CHECKING:
    from ..context import Context


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def diagram_helpers(ctx: Context) -> dict[str, Callable[..., Any]]:
    def add_working_days(start: Any, days: int) -> str:
        return calendar.add_working_days(_as_date(start), int(days)).isoformat()

    def is_workday(day: Any) -> bool:
        return calendar.is_workday(_as_date(day))

    return {"add_working_days": add_working_days, "is_workday": is_workday}
