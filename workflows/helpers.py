"""Functions a diagram may call in conditions, scripts, timers and `${...}` attributes.

This is the allow-list: the sandbox gives diagram code these names and nothing else. Dates in task
data are ISO strings (data stays JSON-safe), so every date helper accepts a date, a datetime or an
ISO string and returns the same kind it was given. `now()` reads the engine clock, never the wall
clock, so tests and the scheduler see the time they set.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from .clock import SHANGHAI, current_time
from .guards import GUARDED_BUILTINS
from .juel import EMPTY_HELPER, juel_empty

MAX_RANGE = 100_000
"""Longest `range` a diagram may build: C-level loops cannot be interrupted by the time limit."""

DateLike = date | datetime | str


def now() -> datetime:
    """The engine's current time, aware, in Asia/Shanghai."""
    return current_time().astimezone(SHANGHAI)


def today() -> str:
    """Today's date in Asia/Shanghai as an ISO string (what task data stores)."""
    return now().date().isoformat()


def _parse(value: DateLike) -> tuple[date | datetime, bool]:
    """Return (value as date/datetime, whether it came in as a string)."""
    if isinstance(value, datetime | date):
        return value, False
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return date.fromisoformat(text), True
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed, True
    raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")


def _out(value: date | datetime, as_string: bool) -> DateLike:
    return value.isoformat() if as_string else value


def add_days(d: DateLike, n: int | float) -> DateLike:
    """`d` plus `n` calendar days, same kind as given."""
    value, as_string = _parse(d)
    return _out(value + timedelta(days=n), as_string)


def add_years(d: DateLike, n: int) -> DateLike:
    """`d` plus `n` years by the Civil Code's corresponding-day rule.

    A period counted in years ends on the corresponding day; when that month has no such day
    (29 February in a common year) it ends on the month's last day: 2024-02-29 + 3y = 2027-02-28.
    SpiffWorkflow's own ISO arithmetic gives 2027-03-01 (SPIFF-NOTES §3.4).
    """
    if int(n) != n:
        raise ValueError("add_years needs a whole number of years")
    value, as_string = _parse(d)
    year = value.year + int(n)
    day = min(value.day, calendar.monthrange(year, value.month)[1])
    return _out(value.replace(year=year, day=day), as_string)


def iso(d: DateLike) -> str:
    """ISO string of a date or datetime (a string is validated and returned normalised)."""
    value, _ = _parse(d)
    return value.isoformat()


def trimmed_mean(values: Iterable[int | float]) -> float:
    """Mean score; with five or more values one highest and one lowest are dropped first.

    The usual expert-panel rule, so a single outlier cannot carry the result.
    """
    items = sorted(float(v) for v in values)
    if not items:
        raise ValueError("trimmed_mean() of an empty list")
    if len(items) >= 5:
        items = items[1:-1]
    return sum(items) / len(items)


def capped_range(*args: int) -> range:
    """`range` refusing more than MAX_RANGE items, so a diagram cannot spin in C code."""
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise ValueError(f"range() longer than {MAX_RANGE} items is not allowed in diagrams")
    return result


SAFE_BUILTINS: dict[str, Any] = {**GUARDED_BUILTINS, "range": capped_range}
"""The builtins diagram code may call: size-checked versions (see `workflows/guards.py`)."""

DEFAULT_HELPERS: dict[str, Callable[..., Any] | Any] = {
    "now": now,
    "today": today,
    "add_days": add_days,
    "add_years": add_years,
    "iso": iso,
    "trimmed_mean": trimmed_mean,
    EMPTY_HELPER: juel_empty,  # JUEL `empty x` (workflows/juel.py)
    **SAFE_BUILTINS,
}
