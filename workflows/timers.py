"""Bounded ISO 8601 timer values: every date, duration and cycle a diagram yields (issue 11).

SpiffWorkflow adds a duration by looping once per month (`bpmn/specs/event_definitions/timer.py:40`):
`"P99999999Y"` kept a CPU busy for about ten minutes, outside the script sandbox's time limit, and
on SQLite held the write lock meanwhile (SPIFF-NOTES §10.6). Here every value is parsed by one
regular expression with bounded digit counts and computed in constant time, and refused unless it
falls due within `MAX_YEARS_AHEAD` years of the moment it is computed from:

* duration  `PnYnMnWnDTnHnMnS` (at least one part; a fraction only on the last part given). Years and
  months are calendar arithmetic in Beijing time on the corresponding day, clipped to the month's
  last day (2024-01-31 + P1M = 2024-02-29), as in Camunda and in the Civil Code rule of
  `helpers.add_years` (SpiffWorkflow added month lengths in UTC: 2025-01-31 + P1M = 2025-03-03); a
  fractional month counts in days of the month reached. Weeks, days and time parts are exact.
* date      ISO date or date-time, or an ISO week date (`2026-W10-1`); naive values are Beijing time,
  as everywhere in the engine (clock.py). A date already past is allowed (the timer fires at once).
* cycle     `R[n]/duration`, `R[n]/start/duration`, `R[n]/duration/end`: at most `MAX_CYCLES`
  repetitions (`R/` is unbounded), an interval of at least `MIN_CYCLE_INTERVAL`, the first firing
  (and, for a bounded cycle, the last) within the horizon. A start in the past is allowed: the
  occurrences already past are skipped, never caught up (`catch_up`).

Everything raises `TimerValueError` (a ValueError) whose message is safe to show, Chinese first.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

MAX_YEARS_AHEAD = 100
MAX_CYCLES = 10_000
MIN_CYCLE_INTERVAL = timedelta(minutes=1)
BEIJING = timezone(timedelta(hours=8), "CST")
"""Naive timer dates mean Beijing time (the same fixed +08:00 that clock.install gives SpiffWorkflow)."""

_NUMBER = r"\d{1,12}(?:[.,]\d{1,9})?"
_DURATION = re.compile(
    rf"P(?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?(?:(?P<weeks>{_NUMBER})W)?"
    rf"(?:(?P<days>{_NUMBER})D)?(?:(?P<t>T)(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?"
    rf"(?:(?P<seconds>{_NUMBER})S)?)?",
    re.IGNORECASE,
)
_CYCLE = re.compile(r"R(?P<count>\d{0,9})/(?P<rest>.+)", re.IGNORECASE | re.DOTALL)
_WEEK_DATE = re.compile(r"(\d{4})-?W(\d{2})-?(\d)(T.+)?", re.IGNORECASE)
_MAX_TEXT = 100
_ISO_LITERAL = re.compile(
    r"R\d{0,9}/[^\s'\"()\[\]{},;]+"  # a cycle, its parts checked by parse_cycle
    r"|[-+]?PT?\d[0-9A-Z.,]*"  # a duration (or a malformed or signed one, for parse_duration to refuse)
    r"|\d{4}-(?:\d{2}-\d{2}|W\d{2}-?\d)(?:T[0-9:.,]+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",  # a date / date-time
    re.IGNORECASE,
)
_JUEL = re.compile(r"\s*\$\{(.*)\}\s*", re.DOTALL)


def timer_expression(text: str | None) -> str:
    """The Python expression a timer field (timeDate, timeDuration, timeCycle) stands for.

    Camunda Modeler's timer field holds what Camunda 7 reads there: an ISO 8601 literal written as is
    (`PT2H`, `R3/PT10M`, `2027-01-01T09:00:00+08:00`, Camunda docs "Timer Events": "the value is an
    ISO 8601 string") or an expression `${...}`. Here expressions are Python, so a bare ISO literal
    becomes the quoted string it means and `${expr}` its inner `expr`; anything else (a quoted literal,
    a Python expression) is returned unchanged. A bare ISO literal is never valid Python that means
    something else (`PT2H` would be an undefined name, `-PT5M` its negation, `2027-01-01` a syntax
    error).
    """
    text = (text or "").strip()
    if _ISO_LITERAL.fullmatch(text):
        return repr(text)
    juel = _JUEL.fullmatch(text)
    if juel is not None:
        return juel.group(1).strip()
    return text


class TimerValueError(ValueError):
    """A timer value that is malformed or out of bounds; str(e) is bilingual and safe to show."""


@dataclass(frozen=True)
class Duration:
    """A parsed ISO 8601 duration; each part a non-negative int or float."""

    years: float = 0
    months: float = 0
    weeks: float = 0
    days: float = 0
    hours: float = 0
    minutes: float = 0
    seconds: float = 0

    def rough_days(self) -> float:
        """An upper bound of the length in days, for the horizon check before any arithmetic."""
        return (self.years * 366 + self.months * 31 + self.weeks * 7 + self.days
                + self.hours / 24 + self.minutes / 1440 + self.seconds / 86400)

    def exact(self) -> timedelta:
        """The weeks, days and time parts (those need no calendar)."""
        return timedelta(weeks=self.weeks, days=self.days, hours=self.hours, minutes=self.minutes,
                         seconds=self.seconds)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TimerValueError(f"{what}须为 ISO-8601 字符串 / {what} must be an ISO-8601 string, "
                              f"got {type(value).__name__}")
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise TimerValueError(f"{what}过长 / {what} is too long ({len(text)} characters)")
    return text


def parse_duration(value: Any) -> Duration:
    """Parse an ISO 8601 duration such as `P10D`, `PT36H`, `P1Y2M`, `P1.5D`.

    A sign (`-PT5M`, a valid xs:duration) is refused: Camunda 7's `DurationHelper` takes a value for a
    duration only if it starts with `P`, otherwise parses it as a date (Joda), so a negative duration
    fails there whenever the timer is reached; here a literal is refused at deploy and a value an
    expression yields fails the step naming the element (report B finding 9).

    Raises:
        TimerValueError: not a string, malformed, or longer than `MAX_YEARS_AHEAD` years.
    """
    text = _text(value, "时长 duration ")
    if text[:1] in ("-", "+"):
        raise TimerValueError(
            f"时长不能带符号 / a signed duration {text!r} is not supported: Camunda 7 reads a timer value "
            f"as a duration only when it starts with 'P' (DurationHelper), so it fails on a negative "
            f"duration too; for a timer due at once use PT0S")
    match = _DURATION.fullmatch(text)
    given = {k: v for k, v in (match.groupdict() if match else {}).items() if v is not None and k != "t"}
    time_given = any(k in given for k in ("hours", "minutes", "seconds"))
    if match is None or not given or (match.group("t") is not None) != time_given:
        raise TimerValueError(f"无效的 ISO-8601 时长 / invalid ISO-8601 duration {text!r}")
    order = [f.name for f in fields(Duration)]
    last = max(given, key=order.index)
    parts: dict[str, float] = {}
    for name, raw in given.items():
        raw = raw.replace(",", ".")
        if "." in raw and name != last:
            raise TimerValueError(f"只有最后一项可带小数 / only the last part may have a fraction: {text!r}")
        parts[name] = float(raw) if "." in raw else int(raw)
    duration = Duration(**parts)
    if duration.rough_days() > MAX_YEARS_AHEAD * 366:
        raise TimerValueError(f"时长超过 {MAX_YEARS_AHEAD} 年 / duration {text!r} is longer than "
                              f"{MAX_YEARS_AHEAD} years")
    return duration


def _add_months(moment: datetime, months: int) -> datetime:
    years, month0 = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    if not 1 <= year <= 9999:
        raise TimerValueError(f"日期超出范围 / date out of range (year {year})")
    day = min(moment.day, calendar.monthrange(year, month0 + 1)[1])
    return moment.replace(year=year, month=month0 + 1, day=day)


def add_duration(start: datetime, duration: Duration, sign: int = 1) -> datetime:
    """`start` plus (`sign=-1`: minus) `duration`, in constant time (see the module docstring)."""
    months = duration.years * 12 + duration.months
    whole = math.floor(months)
    shifted = _add_months(start, sign * whole)
    fraction = months - whole
    month_days = calendar.monthrange(shifted.year, shifted.month)[1]
    extra = timedelta(days=fraction * month_days) if fraction else timedelta()
    try:
        return shifted + sign * (duration.exact() + extra)
    except OverflowError as exc:
        raise TimerValueError(f"日期超出范围 / date out of range: {exc}") from exc


def horizon(now: datetime) -> datetime:
    """The latest moment a timer may fall due when computed at `now`."""
    return _add_months(now, MAX_YEARS_AHEAD * 12)


def _check_due(due: datetime, now: datetime, what: str) -> datetime:
    if due > horizon(now):
        raise TimerValueError(f"{what}超过 {MAX_YEARS_AHEAD} 年之后 / {what}{due.isoformat()} is more than "
                              f"{MAX_YEARS_AHEAD} years after {now.isoformat()}")
    return due


def due_after(value: Any, now: datetime) -> datetime:
    """The moment a duration timer computed at `now` falls due (aware, UTC).

    Raises:
        TimerValueError: see `parse_duration`.
    """
    due = add_duration(now.astimezone(BEIJING), parse_duration(value)).astimezone(UTC)
    return _check_due(due, now, "到期时间 due ")


def parse_date(value: Any) -> datetime:
    """An ISO date, date-time or week date (or a date/datetime object) as an aware UTC datetime.

    A bare date means its midnight; naive values are Beijing time.

    Raises:
        TimerValueError: not a date (a duration is not a date either), or malformed.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = _text(value, "日期 date ")
        week = _WEEK_DATE.fullmatch(text)
        try:
            if text[:1].upper() == "P":
                raise ValueError("a duration is not a date")
            if week is not None:
                year, number, weekday, rest = week.groups()
                day = datetime.fromisocalendar(int(year), int(number), int(weekday))
                moment = datetime.fromisoformat(day.date().isoformat() + (rest or ""))
            else:
                moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise TimerValueError(f"无效的 ISO-8601 日期 / invalid ISO-8601 date {text!r} ({exc})") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise TimerValueError(f"日期超出范围 / date out of range: {moment!r}") from exc


def due_at(value: Any, now: datetime) -> datetime:
    """A date timer's due moment (aware, UTC), refused if beyond the horizon from `now`.

    Raises:
        TimerValueError: see `parse_date`, or more than `MAX_YEARS_AHEAD` years ahead.
    """
    return _check_due(parse_date(value), now, "日期 date ")


@dataclass(frozen=True)
class Cycle:
    """A parsed cycle: `cycles` firings (-1: unbounded), the first at `start`, then every `interval`."""

    cycles: int
    start: datetime
    interval: timedelta
    months: float = 0
    """The calendar part (years and months, in months) of a forward cycle's duration; when not 0 the
    occurrences are `start + k * duration` by calendar arithmetic (`calendar_occurrence`), not
    `start + k * interval`."""
    seconds: float = 0
    """The exact part (weeks, days, time) of that duration, in seconds."""
    index: int = 0
    """`start` is occurrence `index` counted from `anchor` (`R/P1M` computed at `now`: 1 from `now`)."""
    anchor: datetime | None = None


def parse_cycle(value: Any, now: datetime) -> Cycle:
    """Parse `R[n]/duration`, `R[n]/start/duration` or `R[n]/duration/end` computed at `now`.

    Raises:
        TimerValueError: malformed, too many repetitions, too short an interval, or firing beyond
            the horizon.
    """
    text = _text(value, "循环 cycle ")
    match = _CYCLE.fullmatch(text)
    parts = match.group("rest").split("/") if match else []
    if match is None or not 1 <= len(parts) <= 2:
        raise TimerValueError(f"无效的 ISO-8601 循环 / invalid ISO-8601 cycle {text!r} "
                              "(R[n]/duration, R[n]/start/duration or R[n]/duration/end)")
    cycles = int(match.group("count")) if match.group("count") else -1
    if cycles > MAX_CYCLES:
        raise TimerValueError(f"循环次数过多 / at most {MAX_CYCLES} repetitions, got {cycles}")
    now = now.astimezone(BEIJING)  # calendar arithmetic in Beijing time; differences are zone-free
    calendar_part = 0.0
    if len(parts) == 1:
        duration = parse_duration(parts[0])
        interval = add_duration(now, duration) - now
        start = now + interval
        calendar_part = duration.years * 12 + duration.months
    elif parts[0][:1].upper() == "P":
        duration, end = parse_duration(parts[0]), parse_date(parts[1]).astimezone(BEIJING)
        interval = end - add_duration(end, duration, sign=-1)
        start = end - interval
    else:
        start, duration = parse_date(parts[0]).astimezone(BEIJING), parse_duration(parts[1])
        interval = add_duration(start, duration) - start
        calendar_part = duration.years * 12 + duration.months
    if interval < MIN_CYCLE_INTERVAL:
        raise TimerValueError(f"循环间隔过短 / the interval of {text!r} is shorter than {MIN_CYCLE_INTERVAL}")
    _check_due(start, now, "首次触发 first firing ")
    if cycles > 0 and (start - now) + (cycles - 1) * interval > horizon(now) - now:
        raise TimerValueError(f"最后一次触发超过 {MAX_YEARS_AHEAD} 年之后 / the last firing of {text!r} is "
                              f"more than {MAX_YEARS_AHEAD} years ahead")
    exact = duration.exact().total_seconds() if calendar_part else 0.0
    anchor, index = (now, 1) if len(parts) == 1 else (start, 0)
    return Cycle(cycles, start.astimezone(UTC), interval, calendar_part, exact, index, anchor.astimezone(UTC))


def catch_up(first: datetime, interval: timedelta, remaining: int, now: datetime) -> tuple[int, datetime]:
    """The occurrences of a cycle that are already due at `now`, counted in constant time.

    The cycle's occurrences are `first + k * interval` for `0 <= k < remaining` (`remaining = -1`:
    unbounded); `interval` is the fixed length `parse_cycle` computed. Returns `(passed, next)`:
    how many occurrences are at or before `now` (capped at `remaining`) and the first occurrence
    strictly after `now` (meaningless once `passed == remaining`). One integer division, so a start
    99 years in the past with `PT1M` costs the same as one due a minute ago.

    Rule (Camunda 7, `engine/impl/calendar/DurationHelper.getDateAfterRepeat`): the next due date of
    a cycle is the first occurrence of its series strictly after the current time, and the series
    stays anchored at its start, so occurrences missed while nobody looked are skipped (they count
    as consumed repetitions), never fired one by one.
    """
    if interval <= timedelta(0):
        raise TimerValueError(f"循环间隔须为正 / the interval must be positive, got {interval}")
    if first > now:
        return 0, first
    passed = (now - first) // interval + 1
    if remaining >= 0:
        passed = min(passed, remaining)
    return passed, first + passed * interval


def calendar_occurrence(anchor: datetime, months: float, seconds: float, k: int) -> datetime:
    """`anchor + k * (months, seconds)`: months by calendar arithmetic in Beijing time from the anchor
    (clipped to the month's last day), then the exact seconds; aware UTC. Constant time."""
    moment = add_duration(anchor.astimezone(BEIJING), Duration(months=months * k, seconds=seconds * k))
    return moment.astimezone(UTC)


def calendar_catch_up(anchor: datetime, months: float, seconds: float, index: int, remaining: int,
                      now: datetime) -> tuple[int, datetime]:
    """`catch_up` for a cycle with a calendar duration (`P1M`, `P1Y`, `P1M2D`, ...).

    The occurrences are `calendar_occurrence(anchor, months, seconds, k)` for `k >= index`, at most
    `remaining` of them (-1: unbounded). Returns `(passed, next)` as `catch_up` does. The count is
    estimated from the mean Gregorian month (30.436875 days) and corrected by at most a few steps
    (calendar months differ from the mean by days, far less than one period), never one step per
    missed occurrence.
    """
    def occurrence(k: int) -> datetime:
        return calendar_occurrence(anchor, months, seconds, k)

    first = occurrence(index)
    if first > now:
        return 0, first
    mean = timedelta(days=months * 30.436875, seconds=seconds)
    last = index + max(0, (now - first) // mean)  # estimate of the last occurrence at or before now
    for _ in range(4):
        if last > index and occurrence(last) > now:
            last -= 1
        elif occurrence(last + 1) <= now:
            last += 1
        else:
            break
    passed = last - index + 1
    if remaining >= 0:
        passed = min(passed, remaining)
    return passed, occurrence(index + passed)
