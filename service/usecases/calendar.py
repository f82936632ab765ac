"""Working-day arithmetic for deadlines, on the State Council's holiday arrangements.

A computation that reaches a year whose arrangement is not known refuses loudly: a publicity period
silently counted Monday to Friday over the Spring Festival would be wrong in public.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from ..errors import ProcessFailed


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise ProcessFailed(
            f"工作日历未包含 {day.year} 年，请先导入该年节假日安排 / "
            f"The working-day calendar has no data for {day.year}; load that year's arrangement first"
        ) from exc


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day counted from the day after `start` (Civil Code Art. 201)."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def add_calendar_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def add_years(start: date, years: int) -> date:
    """The corresponding day `years` later (Civil Code Art. 202); 29 February falls back to 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def publicity_period(
    published: date, *, working_days: int = 5, min_calendar_days: int = 7
) -> tuple[date, date]:
    """Start and end of a publicity notice published on `published`.

    Counting starts the day after publication; the end is the later of the N-th working day and the
    M-th calendar day, which satisfies both conventions seen in practice (DOMAIN-NOTES §3.1).
    """
    start = published + timedelta(days=1)
    by_working = add_working_days(published, working_days)
    by_calendar = published + timedelta(days=min_calendar_days)
    return start, max(by_working, by_calendar)
