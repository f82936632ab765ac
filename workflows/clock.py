"""The engine clock: lets the caller's `now` reach SpiffWorkflow's timers and the diagram helpers.

SpiffWorkflow has no clock parameter; its timer module calls `datetime.now(timezone.utc)` directly
(SPIFF-NOTES §3). The engine must run in the caller's time (a test clock, or the scheduler's
"now"), so `install()` swaps that module's `datetime` for a subclass whose `now()` reads a
ContextVar. The engine sets it around every call with `engine_clock(now)`; a ContextVar keeps
concurrent requests in other threads on their own clocks. Unset, it is real time.

`install()` also pins the timer module's LOCALTZ (used for naive timeDate strings) to
Asia/Shanghai (UTC+8, no DST): SpiffWorkflow computes it once from the host's zone at import,
and our servers may run in UTC while every naive date a clerk writes means Beijing time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_FIXED_CST = timezone(timedelta(hours=8), "CST")

_now: ContextVar[datetime | None] = ContextVar("workflows_engine_now", default=None)


def current_time() -> datetime:
    """The engine's now as an aware UTC datetime (real time when no engine call is running)."""
    value = _now.get()
    return datetime.now(UTC) if value is None else value


@contextmanager
def engine_clock(now: datetime | None) -> Iterator[None]:
    """Make `now` the engine's time for the duration of the block (None keeps real time)."""
    if now is not None and now.tzinfo is None:
        raise ValueError("engine_clock needs an aware datetime")
    token = _now.set(None if now is None else now.astimezone(UTC))
    try:
        yield
    finally:
        _now.reset(token)


class EngineDatetime(datetime):
    """`datetime` whose `now()` is the engine clock; all other behaviour is datetime's own."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        value = current_time()
        if tz is None:
            return datetime.fromtimestamp(value.timestamp())
        return value.astimezone(tz)


def install() -> None:
    """Point SpiffWorkflow's timer module at the engine clock (idempotent)."""
    from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_mod

    if timer_mod.datetime is not EngineDatetime:
        timer_mod.datetime = EngineDatetime
    timer_mod.LOCALTZ = _FIXED_CST
