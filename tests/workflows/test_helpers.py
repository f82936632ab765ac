"""Diagram helpers: Civil Code year arithmetic, trimmed mean, the engine clock."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_mod

from workflows import engine as _engine  # noqa: F401  (installs the clock)
from workflows.clock import EngineDatetime, current_time, engine_clock
from workflows.helpers import add_days, add_years, capped_range, now, today, trimmed_mean


@pytest.mark.parametrize(
    ("given", "years", "expected"),
    [
        ("2024-02-29", 3, "2027-02-28"),
        ("2024-02-29", 4, "2028-02-29"),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (datetime(2024, 2, 29, 9, 30), 1, datetime(2025, 2, 28, 9, 30)),
        ("2024-02-29T09:30:00+08:00", 3, "2027-02-28T09:30:00+08:00"),
        ("2025-01-31", 3, "2028-01-31"),
    ],
)
def test_add_years_corresponding_day(given, years, expected) -> None:
    assert add_years(given, years) == expected


def test_add_days_keeps_the_kind() -> None:
    assert add_days("2026-02-27", 2) == "2026-03-01"
    assert add_days(date(2026, 2, 27), 2) == date(2026, 3, 1)
    assert add_days("2026-03-02T09:00:00+08:00", 10) == "2026-03-12T09:00:00+08:00"


def test_trimmed_mean() -> None:
    assert trimmed_mean([60, 70, 80, 90]) == 75.0  # fewer than five: plain mean
    assert trimmed_mean([0, 70, 80, 90, 100]) == 80.0  # drop 0 and 100
    assert trimmed_mean([85, 85, 85, 85, 85, 10]) == 85.0
    with pytest.raises(ValueError):
        trimmed_mean([])


def test_range_is_capped() -> None:
    assert len(capped_range(1000)) == 1000
    with pytest.raises(ValueError):
        capped_range(10**9)


def test_now_reads_the_engine_clock_per_thread() -> None:
    moment = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    seen: list[datetime] = []
    with engine_clock(moment):
        assert now() == moment and now().utcoffset() == timedelta(hours=8)
        assert today() == "2026-03-02"
        assert timer_mod.datetime is EngineDatetime
        assert timer_mod.datetime.now(UTC) == moment
        other = threading.Thread(target=lambda: seen.append(current_time()))
        other.start()
        other.join()
    assert abs(seen[0] - datetime.now(UTC)) < timedelta(seconds=5)  # other thread: real time
    assert abs(current_time() - datetime.now(UTC)) < timedelta(seconds=5)
