"""One clock for the whole service, so tests move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SystemClock:
    """Real time, always aware (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock tests set and advance; it never moves by itself."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("MovableClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def local_today(now: datetime):
    """The calendar date in Qingdao at `now`: deadlines are counted in local days."""
    return now.astimezone(SHANGHAI).date()


def local_minutes(moment: datetime) -> str:
    """`moment` as users read it: Beijing time (Asia/Shanghai) to the minute, e.g. 2026-12-08 01:04.
    Naive values are taken as UTC, as the store keeps them."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
