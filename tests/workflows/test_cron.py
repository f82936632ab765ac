"""Issue 12, fault 5: Camunda's Quartz cron `timeCycle` translated to APScheduler's CronTrigger
(`workflows/cron.py`), read in Beijing time; Quartz features with no equivalent are refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflows import cron
from workflows.timers import TimerValueError

MONDAY_NINE = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 2 March 2026, 09:00 in Qingdao


def beijing(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour - 8, minute, tzinfo=UTC) if hour >= 8 else datetime(
        2026, 3, day - 1, hour + 16, minute, tzinfo=UTC)


@pytest.mark.parametrize(("text", "after", "expected"), [
    ("0 0 9 * * ?", MONDAY_NINE, beijing(3, 9)),  # strictly after: not the same 09:00
    ("0 30 8 ? * MON-FRI", beijing(6, 9), beijing(9, 8, 30)),  # Friday 09:00 → Monday 08:30
    ("0 0 9 ? * 2,4", MONDAY_NINE, beijing(4, 9)),  # Quartz 2 = MON, 4 = WED
    ("0 0 9 ? * 1/2", beijing(4, 9), beijing(5, 9)),  # SUN, TUE, THU, SAT
    ("0 0 9 ? * SUN", MONDAY_NINE, beijing(8, 9)),
    ("0 0/15 9-10 * MAR ?", MONDAY_NINE, beijing(2, 9, 15)),
    ("0 0 9 15 * ? 2026", MONDAY_NINE, beijing(15, 9)),
    ("0 0 0 * * ?", MONDAY_NINE, beijing(3, 0)),  # midnight in Qingdao is 16:00 UTC the day before
])
def test_quartz_fields_fire_when_camunda_fires_them(text, after, expected) -> None:
    assert cron.next_after(text, after) == expected


@pytest.mark.parametrize("text", ["0 0 9 1 1 ? 2020", "0 0 9 30 2 ?"])
def test_a_cron_that_never_fires_again_has_no_next_firing(text) -> None:
    assert cron.next_after(text, MONDAY_NINE) is None
    with pytest.raises(TimerValueError, match="never fires"):
        cron.first_after(text, MONDAY_NINE)


@pytest.mark.parametrize(("text", "reason"), [
    ("0 0 9 L * ?", "L, W and #"),
    ("0 0 9 LW * ?", "L, W and #"),
    ("0 0 9 15W * ?", "L, W and #"),
    ("0 0 9 ? * 6#3", "L, W and #"),
    ("0 0 9 ? * 6L", "L, W and #"),
    ("0 0 9 * * *", "exactly one of day-of-month and day-of-week"),
    ("0 0 9 ? * ?", "exactly one of day-of-month and day-of-week"),
    ("*/10 * * * * ?", "at most one firing a minute"),
    ("0 0 9 * *", "6 or 7 fields"),
    ("0 0 25 * * ?", "not supported"),
    ("0 0 9 ? * FRI-MON", "must not wrap"),
])
def test_unsupported_quartz_is_refused_with_the_reason(text, reason) -> None:
    with pytest.raises(TimerValueError, match=reason):
        cron.parse(text)


def test_only_cron_shaped_cycles_are_read_as_cron() -> None:
    assert cron.looks_like_cron("0 0 9 * * ?") and cron.looks_like_cron("0 30 8 ? * mon-fri 2027")
    assert not cron.looks_like_cron("R/P1D") and not cron.looks_like_cron("${cycle}")
    assert not cron.looks_like_cron("'R3/PT10M'")
