"""Named queries over the working-day calendar: which years are known, a year's days, loading a year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .deadline_models import CalendarDay, CalendarYear

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def days_of(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def day_row(day: date, exception: tuple[bool, str | None] | None) -> dict:
    """A calendar row: Monday to Friday work unless the arrangement says otherwise."""
    weekend = day.weekday() >= 5
    if exception is None:
        return {"day": day, "workday": not weekend, "holiday_name": None, "adjusted": False}
    workday, name = exception
    return {"day": day, "workday": workday, "holiday_name": name, "adjusted": workday and weekend}


def days_from_package(year: int) -> list[dict]:
    """The year as the installed `chinesecalendar` package records it (holiday names in Chinese)."""
    from chinese_calendar import constants

    exceptions: dict[date, tuple[bool, str | None]] = {}
    for day, name in constants.holidays.items():
        if day.year == year:
            exceptions[day] = (False, HOLIDAY_NAMES_ZH.get(name, name))
    for day, name in constants.workdays.items():
        if day.year == year:
            exceptions[day] = (True, HOLIDAY_NAMES_ZH.get(name, name))
    return [day_row(day, exceptions.get(day)) for day in days_of(year)]


def package_years() -> list[int]:
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


def known_years(session: Session) -> list[int]:
    return list(session.scalars(sa.select(CalendarYear.year).order_by(CalendarYear.year)))


def find_year(session: Session, year: int) -> dict[date, bool] | None:
    """Workday flags of every day of `year`, or None when the year is not loaded."""
    if session.get(CalendarYear, year) is None:
        return None
    rows = session.execute(
        sa.select(CalendarDay.day, CalendarDay.workday).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
        )
    )
    return {day: workday for day, workday in rows}


def list_days(session: Session, start: date, end: date) -> list[CalendarDay]:
    return list(
        session.scalars(
            sa.select(CalendarDay)
            .where(CalendarDay.day >= start, CalendarDay.day <= end)
            .order_by(CalendarDay.day)
        )
    )


def replace_year(
    session: Session, year: int, rows: Iterable[dict], *, source: str, by: str | None, at: datetime
) -> None:
    """Load (or reload, when the State Council corrects it) every day of `year` in this transaction."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    session.execute(sa.delete(CalendarDay).where(CalendarDay.day >= first, CalendarDay.day <= last))
    session.execute(sa.insert(CalendarDay), list(rows))
    entry = session.get(CalendarYear, year) or CalendarYear(year=year)
    entry.source, entry.loaded_by, entry.loaded_at = source[:200], by, at
    session.add(entry)
