"""Working-day arithmetic for deadlines, on the State Council's holiday arrangements kept in the database.

The `calendar_day` table is seeded from the `chinesecalendar` package by the migration; each November
the State Council publishes the next year's arrangement and an administrator loads it from a small file
(`consortium calendar load FILE`). A computation that reaches a year the table does not know refuses
loudly (UnknownCalendarYear): a publicity period silently counted Monday to Friday over the Spring
Festival would be wrong in public. In a job the refusal becomes an incident an administrator retries
once the year is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ..actors import ADMIN, Actor
from ..context import Context
from ..deadline_settings import WORKING, PublicityRule
from ..errors import Forbidden, InvalidInput, ProcessFailed
from .store import audit
from .store import calendar as days_store

MAX_SPAN_DAYS = 3660  # no deadline of the procedure is longer than ten years


class UnknownCalendarYear(ProcessFailed):
    """A deadline reached a year whose holiday arrangement has not been loaded."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"工作日历未包含 {year} 年，请系统管理员导入该年节假日安排后重试 / "
            f"The working-day calendar has no data for {year}; an administrator must load that year's "
            f"arrangement (consortium calendar load) and retry"
        )
        self.year = year


class WorkingCalendar:
    """The calendar as one session sees it; each year is read once per computation."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._years: dict[int, dict[date, bool]] = {}

    def is_workday(self, day: date) -> bool:
        year = self._years.get(day.year)
        if year is None:
            year = days_store.find_year(self.session, day.year)
            if year is None:
                raise UnknownCalendarYear(day.year)
            self._years[day.year] = year
        return year[day]

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day counted from the day after `start` (Civil Code Art. 201)."""
        if days < 0 or days > MAX_SPAN_DAYS:
            raise ValueError(f"working days out of range: {days}")
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_workday(day):
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


def publicity_period(calendar: WorkingCalendar, published: date, rule: PublicityRule) -> tuple[date, date]:
    """Start and last day of a publicity notice published on `published`.

    Counting starts the day after publication; the end is the later of the rule's length (working or
    calendar days) and its minimum in calendar days, which satisfies both conventions seen in practice
    (DOMAIN-NOTES §3.1).
    """
    start = published + timedelta(days=1)
    if rule.unit == WORKING:
        by_length = calendar.add_working_days(published, rule.length)
    else:
        by_length = add_calendar_days(published, rule.length)
    return start, max(by_length, add_calendar_days(published, rule.min_calendar_days))


# --- administration ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedYear:
    year: int
    holidays: int
    adjusted_workdays: int


LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?[\s,，]+(\S+)(?:[\s,，]+(.*))?$")
KINDS = {"holiday": False, "休": False, "假": False, "workday": True, "班": True}


def parse_arrangement(text: str) -> tuple[int, dict[date, tuple[bool, str | None]]]:
    """Read a year's arrangement: one `DATE[..DATE] holiday|workday NAME` line per entry.

    Days not listed follow Monday to Friday. Every entry must fall in one year (the one being loaded).

    Raises:
        InvalidInput: with the offending line numbers.
    """
    entries: dict[date, tuple[bool, str | None]] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = LINE.match(line)
        kind = KINDS.get(match.group(3).lower()) if match else None
        if match is None or kind is None:
            problems.append(f"第 {number} 行格式应为“日期[..日期] holiday|workday 名称” / line {number}: "
                            f"expected 'DATE[..DATE] holiday|workday NAME', got {raw.strip()!r}")
            continue
        try:
            first = date.fromisoformat(match.group(1))
            last = date.fromisoformat(match.group(2) or match.group(1))
        except ValueError:
            problems.append(f"第 {number} 行日期无效 / line {number}: invalid date")
            continue
        if last < first or (last - first).days > 31:
            problems.append(f"第 {number} 行日期区间无效 / line {number}: invalid date range")
            continue
        day = first
        while day <= last:
            entries[day] = (kind, (match.group(4) or "").strip() or None)
            day += timedelta(days=1)
    years = {d.year for d in entries}
    if not problems and len(years) != 1:
        problems.append("文件须只包含同一年份的安排 / the file must hold the arrangement of exactly one year")
    if problems:
        raise InvalidInput("节假日安排文件有误 / The holiday arrangement file is invalid", {"file": problems})
    return years.pop(), entries


def load_year(ctx: Context, *, text: str, source: str, actor: Actor) -> LoadedYear:
    """Load (or correct) one year's arrangement from the State Council's notice, as a file."""
    _require_admin(actor)
    year, entries = parse_arrangement(text)
    rows = [days_store.day_row(day, entries.get(day)) for day in days_store.days_of(year)]
    with ctx.unit_of_work() as uow:
        days_store.replace_year(uow.session, year, rows, source=source, by=actor.id, at=ctx.now())
        audit.record(uow.session, actor=actor, action="calendar.loaded", at=ctx.now(),
                     detail={"year": year, "source": source})
        uow.commit()
    return LoadedYear(
        year=year,
        holidays=sum(1 for workday, _ in entries.values() if not workday),
        adjusted_workdays=sum(1 for r in rows if r["adjusted"]),
    )


def load_package_years(ctx: Context, *, actor: Actor) -> list[int]:
    """Load every year the installed chinesecalendar knows and the table does not (after an upgrade)."""
    _require_admin(actor)
    with ctx.unit_of_work() as uow:
        missing = sorted(set(days_store.package_years()) - set(days_store.known_years(uow.session)))
        for year in missing:
            days_store.replace_year(uow.session, year, days_store.days_from_package(year),
                                    source="chinesecalendar", by=actor.id, at=ctx.now())
        uow.commit()
    return missing


def known_years(ctx: Context) -> list[int]:
    with ctx.unit_of_work(write=False) as uow:
        return days_store.known_years(uow.session)


def _require_admin(actor: Actor) -> None:
    if not actor.has(ADMIN):
        raise Forbidden("只有系统管理员可以导入工作日历 / Only administrators load the working-day calendar")
