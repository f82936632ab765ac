"""Sensible bounds for the days recorded in supervision (breakit F13): a start date of 9999-12-31 or of
1990 (decades before any filing) is a typing error, not a record.

- a day something began or was granted: not before EARLIEST (2000-01-01; the programme is far younger)
  and not more than AHEAD_YEARS (5) years after today;
- a day something was decided or a data period ended: not before EARLIEST and not after today.
"""

from __future__ import annotations

from datetime import date

from ...engine.calendar import add_years

EARLIEST = date(2000, 1, 1)
AHEAD_YEARS = 5


def check_start(day: date | None, field: str, problems: dict[str, list[str]], today: date) -> None:
    """Add a problem under `field` unless `day` is None or EARLIEST … today + AHEAD_YEARS."""
    latest = add_years(today, AHEAD_YEARS)
    if day is not None and not EARLIEST <= day <= latest:
        problems.setdefault(field, []).append(
            f"日期应在 {EARLIEST.isoformat()} 至 {latest.isoformat()} 之间 / "
            f"The date must be between {EARLIEST.isoformat()} and {latest.isoformat()}")


def check_past(day: date | None, field: str, problems: dict[str, list[str]], today: date) -> None:
    """Add a problem under `field` unless `day` is None or EARLIEST … today."""
    if day is None:
        return
    if day > today:
        problems.setdefault(field, []).append(
            f"日期不能晚于今天（{today.isoformat()}） / The date cannot be after today ({today.isoformat()})")
    elif day < EARLIEST:
        problems.setdefault(field, []).append(
            f"日期不能早于 {EARLIEST.isoformat()} / The date cannot be before {EARLIEST.isoformat()}")
