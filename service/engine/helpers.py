"""Functions the diagrams may call besides the engine's own safe helpers (dates on the bureau's calendar).

Each returns the kind it was given (ISO string, date or datetime), like the engine's `add_days`, so a
`camunda:dueDate="${add_working_days(now(), 5)}"` keeps its time of day. Datetimes are counted in
Asia/Shanghai days. `add_years` (Civil Code corresponding-day rule) is the engine's own helper.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..clock import SHANGHAI
from . import calendar

if TYPE_CHECKING:
    from ..context import Context


def _split(value: Any) -> tuple[date, Callable[[date], Any]]:
    """The local date of `value`, and how to turn a result date back into the kind given."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return date.fromisoformat(text), lambda d: d.isoformat()
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        as_text = True
    else:
        as_text = False
    if isinstance(value, datetime):
        local = value.astimezone(SHANGHAI) if value.tzinfo else value.replace(tzinfo=SHANGHAI)

        def back(d: date) -> Any:
            result = datetime.combine(d, local.timetz())
            return result.isoformat() if as_text else result

        return local.date(), back
    if isinstance(value, date):
        return value, lambda d: d
    raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")


def diagram_helpers(ctx: Context) -> dict[str, Callable[..., Any]]:
    def on_calendar(compute: Callable[[calendar.WorkingCalendar], Any]) -> Any:
        with ctx.unit_of_work(write=False) as uow:
            return compute(calendar.WorkingCalendar(uow.session))

    def add_working_days(start: Any, days: int) -> Any:
        """The `days`-th working day after `start` (holidays and adjusted working days 调休 respected)."""
        day, back = _split(start)
        return back(on_calendar(lambda cal: cal.add_working_days(day, int(days))))

    def add_calendar_days(start: Any, days: int) -> Any:
        day, back = _split(start)
        return back(calendar.add_calendar_days(day, int(days)))

    def is_workday(day: Any) -> bool:
        local, _ = _split(day)
        return on_calendar(lambda cal: cal.is_workday(local))

    def publicity_end(published: Any) -> Any:
        """Last day of a publicity period published on `published`, by the configured rule."""
        day, back = _split(published)
        rule = ctx.config.deadlines.publicity
        return back(on_calendar(lambda cal: calendar.publicity_period(cal, day, rule)[1]))

    return {
        "add_working_days": add_working_days,
        "add_calendar_days": add_calendar_days,
        "is_workday": is_workday,
        "publicity_end": publicity_end,
    }
