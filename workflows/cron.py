"""Camunda 7's cron `timeCycle` (Quartz syntax), scheduled with APScheduler's `CronTrigger`.

Camunda 7 reads a `timeCycle` that does not start with `R` as a Quartz cron expression
(`CycleBusinessCalendar`; its own copy of Quartz's `CronExpression`): six or seven fields,
`second minute hour day-of-month month day-of-week [year]`, e.g. `0 0 9 * * ?` (every day at 09:00),
`0 30 8 ? * MON-FRI` (weekdays 08:30). Quartz requires `?` in exactly one of day-of-month and
day-of-week; day-of-week counts 1 = SUN … 7 = SAT. The schedule itself is APScheduler's (a well-kept
cron implementation), in Asia/Shanghai time; this module only translates the fields:

- minute, hour, day-of-month, month and year: Quartz's `*`, `n`, `a-b`, `a/s`, `*/s`, `a-b/s` and
  lists are APScheduler's syntax too; month names JAN–DEC become APScheduler's lower-case names.
- day-of-week: numbers 1–7 and names SUN–SAT, ranges, steps and lists are expanded to a list of
  APScheduler's names (its numbers start at Monday = 0, Quartz's at Sunday = 1).
- the second must be one number (0–59), so a cron fires at most once a minute, as a cycle may
  (`timers.MIN_CYCLE_INTERVAL`).
- Quartz's `L`, `W`, `LW`, `L-n` and `#` (last day, nearest weekday, n-th weekday) have no
  APScheduler equivalent with the same meaning and are refused.

Everything raises `timers.TimerValueError`, whose message is safe to show (Chinese first).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger

from .clock import SHANGHAI
from .timers import MAX_YEARS_AHEAD, TimerValueError, horizon

_FIELD = re.compile(r"[0-9A-Z*?/,\-#]+")
_PLAIN = re.compile(r"[0-9*/,\-]+")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_APS_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
ZONE = SHANGHAI
"""The zone cron fields are read in (Camunda: the server's default zone; here Beijing time)."""


def looks_like_cron(text: str | None) -> bool:
    """True for a `timeCycle` value Camunda reads as cron: 6 or 7 fields of cron characters, not
    starting with `R` (an ISO repeating interval) and not `${...}`."""
    fields = (text or "").strip().upper().split()
    return (6 <= len(fields) <= 7 and not fields[0].startswith("R")
            and all(_FIELD.fullmatch(f) for f in fields))


def _refuse(text: str, reason: str) -> TimerValueError:
    return TimerValueError(f"不支持的 cron 表达式 / cron {text!r} is not supported: {reason}")


def _day_number(token: str, text: str) -> int:
    if token in _DAYS:
        return _DAYS.index(token) + 1
    if token.isascii() and token.isdigit() and 1 <= int(token) <= 7:
        return int(token)
    raise _refuse(text, f"星期须为 1–7 或 SUN–SAT / day-of-week {token!r} must be 1–7 or SUN–SAT")


def _days_of_week(field: str, text: str) -> str:
    """Quartz's day-of-week field as a list of APScheduler names."""
    days: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if step and not (step.isascii() and step.isdigit()):
            raise _refuse(text, f"步长无效 / invalid step in {part!r}")
        if span == "*":
            first, last = 1, 7
        elif "-" in span:
            low, _, high = span.partition("-")
            first, last = _day_number(low, text), _day_number(high, text)
            if first > last:
                raise _refuse(text, f"星期范围须从小到大 / day-of-week range {span!r} must not wrap")
        else:
            first = _day_number(span, text)
            last = 7 if step else first
        days.update(range(first, last + 1, int(step) if step else 1))
    return ",".join(_APS_DAYS[d - 1] for d in sorted(days))


def _months(field: str) -> str:
    for number, name in enumerate(_MONTHS, start=1):
        field = re.sub(rf"\b{name}\b", str(number), field)
    return field


def parse(text: str) -> CronTrigger:
    """The APScheduler trigger for Quartz cron `text` (see the module docstring).

    Raises:
        TimerValueError: not 6–7 fields, Quartz features without an equivalent (`L`, `W`, `#`),
            `?` not in exactly one of day-of-month and day-of-week, a second that is not one number,
            or values APScheduler refuses.
    """
    source = (text or "").strip()
    fields = source.upper().split()
    if not 6 <= len(fields) <= 7 or not all(_FIELD.fullmatch(f) for f in fields):
        raise _refuse(source, "须为 6 或 7 个字段：秒 分 时 日 月 星期 [年] / needs 6 or 7 fields: "
                              "second minute hour day-of-month month day-of-week [year]")
    second, minute, hour, day, month, week = fields[:6]
    year = fields[6] if len(fields) == 7 else "*"
    for name, value in (("day-of-month", day), ("day-of-week", week)):
        stripped = value  # names such as WED contain W
        for word in (*_DAYS, *_MONTHS):
            stripped = stripped.replace(word, "")
        if any(mark in stripped for mark in ("L", "W", "#")):
            raise _refuse(source, f"{name} {value!r}: 不支持 L、W、# / L, W and # (last day, nearest "
                                  "weekday, n-th weekday) are not supported")
    if (day == "?") == (week == "?"):
        raise _refuse(source, "日与星期须恰有一个为 ? / exactly one of day-of-month and day-of-week "
                              "must be ? (Quartz)")
    if not (second.isascii() and second.isdigit()) or not 0 <= int(second) <= 59:
        raise _refuse(source, f"秒须为一个 0–59 的数 / the second must be one number 0–59 (at most one "
                              f"firing a minute), got {second!r}")
    for name, value in (("minute", minute), ("hour", hour), ("year", year)):
        if not _PLAIN.fullmatch(value):
            raise _refuse(source, f"{name} {value!r}")
    month = _months(month)
    if not _PLAIN.fullmatch(month) or (day != "?" and not _PLAIN.fullmatch(day)):
        raise _refuse(source, f"month {fields[4]!r} / day-of-month {day!r}")
    try:
        return CronTrigger(
            year=year, month=month, day="*" if day == "?" else day,
            day_of_week="*" if week == "?" else _days_of_week(week, source),
            hour=hour, minute=minute, second=second, timezone=ZONE,
        )
    except ValueError as exc:
        raise _refuse(source, str(exc)) from exc


def next_after(text: str, moment: datetime) -> datetime | None:
    """The first firing of cron `text` strictly after `moment` (aware UTC), or None when it never
    fires again within `MAX_YEARS_AHEAD` years (a year field in the past, February 30th).

    Raises:
        TimerValueError: see `parse`.
    """
    trigger = parse(text)
    moment = moment.astimezone(ZONE)
    found = trigger.get_next_fire_time(moment, moment)
    if found is None or found.astimezone(UTC) > horizon(moment.astimezone(UTC)):
        return None
    return found.astimezone(UTC)


def first_after(text: str, moment: datetime) -> datetime:
    """`next_after`, refusing a cron that never fires (for deploy).

    Raises:
        TimerValueError: see `parse`, or no firing within the horizon.
    """
    found = next_after(text, moment)
    if found is None:
        raise _refuse(text, f"{MAX_YEARS_AHEAD} 年内不会触发 / it never fires within {MAX_YEARS_AHEAD} "
                            "years")
    return found

