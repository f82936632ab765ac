"""Issue 11, fault 2: every date, duration and cycle a diagram yields is bounded and computed in
constant time; literals out of bounds are refused at deploy, run-time values raise `InvalidTimer`.

SpiffWorkflow looped once per month: `"P99999999Y"` kept a CPU busy for about ten minutes. Every
test here has a hard time limit far below that (`_quick`), so a regression fails instead of hanging.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from workflows import timers
from workflows.engine import Engine
from workflows.errors import DiagramInvalid, InvalidTimer

from .conftest import NOW, read

BASE = read("lint_base.bpmn").decode()


@contextmanager
def _quick(seconds: int = 5) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block runs longer than `seconds`."""

    def _expired(_signum, _frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < seconds


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P10D", datetime(2026, 3, 12, 1, 0, tzinfo=UTC)),
        ("PT36H", NOW + timedelta(hours=36)),
        ("P2W", NOW + timedelta(weeks=2)),
        ("P1Y2M3DT4H5M6S", datetime(2027, 5, 5, 5, 5, 6, tzinfo=UTC)),
        ("P1.5D", NOW + timedelta(days=1, hours=12)),
        ("P0,5D", NOW + timedelta(hours=12)),
        ("P99Y", datetime(2125, 3, 2, 1, 0, tzinfo=UTC)),
    ],
)
def test_durations_are_calendar_arithmetic(text: str, expected: datetime) -> None:
    assert timers.due_after(text, NOW) == expected


def test_a_month_ends_on_the_corresponding_day_or_the_last_day_of_the_month() -> None:
    jan31 = datetime(2024, 1, 31, 12, 0, tzinfo=UTC)
    assert timers.due_after("P1M", jan31) == datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    assert timers.due_after("P13M", jan31) == datetime(2025, 2, 28, 12, 0, tzinfo=UTC)
    assert timers.due_after("P1Y", datetime(2024, 2, 29, tzinfo=UTC)) == datetime(2025, 2, 28, tzinfo=UTC)
    # months count in Beijing time: 1 March 02:00 in Qingdao is still 28 February in UTC
    assert timers.due_after("P1M", datetime(2026, 2, 28, 18, 0, tzinfo=UTC)) == datetime(
        2026, 3, 31, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["P99999999Y", "P1201M", "P36600D", "PT900000H", "P999999999999Y", "P101Y", "P5300W",
     "P100Y1D", "PT99999999999S"],
)
def test_durations_beyond_a_hundred_years_are_refused_at_once(text: str) -> None:
    with _quick(2), pytest.raises(timers.TimerValueError, match="100"):
        timers.due_after(text, NOW)


@pytest.mark.parametrize(
    "value",
    ["", "P", "PT", "P1", "10D", "P1DT", "P1H", "P1.5Y2M", "P-1D", "P1D ; rm", "P" + "9" * 20 + "Y", 10,
     None, "P1D" * 50],
)
def test_malformed_durations_are_refused(value) -> None:
    with _quick(2), pytest.raises(timers.TimerValueError):
        timers.due_after(value, NOW)


def test_dates_are_bounded_and_naive_ones_are_beijing_time() -> None:
    assert timers.due_at("2026-04-01T00:00:00", NOW) == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert timers.due_at("2026-04-01", NOW) == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert timers.due_at("2026-04-01T00:00:00Z", NOW) == datetime(2026, 4, 1, tzinfo=UTC)
    assert timers.due_at("2026-W14-3", NOW) == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)
    assert timers.due_at("2020-01-01", NOW) < NOW  # past: fires at once
    for far in ("9999-12-31", "2126-03-03", "P10D", "tomorrow", "2026-02-30"):
        with pytest.raises(timers.TimerValueError):
            timers.due_at(far, NOW)


def test_cycles_are_bounded() -> None:
    daily = timers.parse_cycle("R3/P1D", NOW)
    assert (daily.cycles, daily.start, daily.interval) == (3, NOW + timedelta(days=1), timedelta(days=1))
    assert timers.parse_cycle("R/2026-03-05T09:00:00/P1W", NOW).start == datetime(2026, 3, 5, 1, tzinfo=UTC)
    ending = timers.parse_cycle("R2/PT2H/2026-03-05T00:00:00Z", NOW)
    assert (ending.start, ending.interval) == (datetime(2026, 3, 4, 22, tzinfo=UTC), timedelta(hours=2))
    for absurd in ("R99999999/P1D", "R/PT1S", "R/PT0S", "R5000/P1Y", "R/P99999999Y", "R3", "P1D",
                   "R/2300-01-01/P1D", "R1/P1D/P1D"):
        with _quick(2), pytest.raises(timers.TimerValueError):
            timers.parse_cycle(absurd, NOW)


# --- deploy -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "literal"),
    [("timeDuration", '"P99999999Y"'), ("timeDate", '"9999-12-31T00:00:00"'), ("timeCycle", '"R/PT1S"')],
)
def test_a_literal_out_of_bounds_is_refused_at_deploy_naming_the_element(
    engine: Engine, kind: str, literal: str
) -> None:
    original = '<bpmn:timeDuration>"P10D"</bpmn:timeDuration>'
    text = BASE.replace(original, f"<bpmn:{kind}>{literal}</bpmn:{kind}>")
    with _quick(), pytest.raises(DiagramInvalid) as refused:
        engine.compile({"lint.bpmn": text.encode()})
    [problem] = refused.value.problems
    assert problem.element_id == "Timer_Wait" and literal.strip('"') in problem.message
    assert problem.line is not None


@pytest.mark.parametrize(
    ("kind", "literal"),
    [("timeDuration", "-PT5M"), ("timeDuration", "${'-PT5M'}"), ("timeDuration", "+P1D"),
     ("timeCycle", "R3/-PT5M")],
)
def test_a_signed_duration_literal_is_refused_at_deploy_naming_the_element(
    engine: Engine, kind: str, literal: str
) -> None:
    """Report B finding 9: `-PT5M` deployed, then every start failed with a Python NameError (the
    literal was read as `-PT5M`, Python). Camunda 7's DurationHelper reads a value as a duration only
    when it starts with `P`, so it cannot run a negative duration either: refused at deploy."""
    original = '<bpmn:timeDuration>"P10D"</bpmn:timeDuration>'
    text = BASE.replace(original, f"<bpmn:{kind}>{literal}</bpmn:{kind}>")
    with _quick(), pytest.raises(DiagramInvalid) as refused:
        engine.compile({"lint.bpmn": text.encode()})
    [problem] = refused.value.problems
    assert problem.element_id == "Timer_Wait" and problem.line is not None
    assert "signed duration" in problem.message and "NameError" not in problem.message


def test_a_literal_due_date_out_of_bounds_is_refused_at_deploy(engine: Engine) -> None:
    text = read("extensions.bpmn").decode()
    assert 'camunda:dueDate="' in text
    start = text.index('camunda:dueDate="') + len('camunda:dueDate="')
    text = text[:start] + "P99999999Y" + text[text.index('"', start):]
    with _quick(), pytest.raises(DiagramInvalid) as refused:
        engine.compile({"ext.bpmn": text.encode()})
    assert any("dueDate" in p.message and "P99999999Y" in p.message for p in refused.value.problems)


# --- run time -----------------------------------------------------------------------------------

RUNTIME = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_T" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" isExecutable="true">
    <bpmn:startEvent id="Start_T" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_T" targetRef="Timer_First" />
    <bpmn:intermediateCatchEvent id="Timer_First" name="First">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Timer_First" targetRef="Timer_Computed" />
    <bpmn:intermediateCatchEvent id="Timer_Computed" name="Computed">
      <bpmn:timerEventDefinition><bpmn:{kind}>{expression}</bpmn:{kind}></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Timer_Computed" targetRef="End_T" />
    <bpmn:endEvent id="End_T" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.mark.parametrize(
    ("kind", "expression", "value"),
    [
        ("timeDuration", '"P%dY" % years', 99999999),
        ("timeDuration", "spec", "P1Y1Y"),
        ("timeDate", "spec", "9999-12-31"),
        ("timeDate", "spec", 12),
        ("timeCycle", "spec", "R/PT1S"),
    ],
)
def test_a_computed_value_out_of_bounds_raises_invalid_timer_naming_the_element(
    engine: Engine, kind: str, expression: str, value
) -> None:
    key = f"timer_{kind}"
    text = RUNTIME.format(key=key, kind=kind, expression=expression)
    spec_json = engine.compile({f"{key}.bpmn": text.encode()})[key].spec_json
    instance = engine.start(spec_json, cache_key=f"{key}-{value}", variables={"years": value, "spec": value},
                            now=NOW)
    instance.advance({}, NOW)
    [first] = instance.timers()
    with _quick(), pytest.raises(InvalidTimer) as failed:
        instance.fire_due_timers({}, first.due_at + timedelta(seconds=1))
    assert failed.value.element_id == "Timer_Computed" and failed.value.process_key == key
    assert "Timer_Computed" in str(failed.value)


def test_a_computed_negative_duration_fails_the_step_naming_the_element(engine: Engine) -> None:
    text = RUNTIME.format(key="timer_negative", kind="timeDuration", expression="${spec}")
    spec_json = engine.compile({"negative.bpmn": text.encode()})["timer_negative"].spec_json
    instance = engine.start(spec_json, cache_key="timer_negative", variables={"spec": "-PT5M"}, now=NOW)
    instance.advance({}, NOW)
    [first] = instance.timers()
    with pytest.raises(InvalidTimer) as failed:
        instance.fire_due_timers({}, first.due_at + timedelta(seconds=1))
    assert failed.value.element_id == "Timer_Computed"
    assert "signed duration '-PT5M'" in str(failed.value)


def test_a_computed_value_within_bounds_runs(engine: Engine) -> None:
    text = RUNTIME.format(key="timer_ok", kind="timeCycle", expression="spec")
    spec_json = engine.compile({"ok.bpmn": text.encode()})["timer_ok"].spec_json
    instance = engine.start(spec_json, cache_key="timer_ok", variables={"spec": "R2/P1D"}, now=NOW)
    instance.advance({}, NOW)
    [first] = instance.timers()
    assert instance.fire_due_timers({}, first.due_at + timedelta(seconds=1))
    [cycle] = instance.timers()
    assert (cycle.element_id, cycle.due_at) == ("Timer_Computed", first.due_at + timedelta(days=1, seconds=1))


# --- cycles whose occurrences are already past (Camunda 7 DurationHelper.getDateAfterRepeat) -------


def test_missed_occurrences_are_counted_by_arithmetic_not_one_by_one() -> None:
    minute = timedelta(minutes=1)
    ancient = NOW.replace(year=NOW.year - 99)
    with _quick(1):
        passed, following = timers.catch_up(ancient, minute, -1, NOW)
    assert passed == (NOW - ancient) // minute + 1 and following == NOW + minute
    # R10 with 8 occurrences at or before now: 8 consumed, the 9th is next
    assert timers.catch_up(NOW - 7 * minute, minute, 10, NOW) == (8, NOW + minute)
    assert timers.catch_up(NOW - 30 * minute, minute, 10, NOW)[0] == 10  # all spent
    assert timers.catch_up(NOW + minute, minute, 10, NOW) == (0, NOW + minute)  # not yet
    # the first occurrence strictly after now, between two occurrences
    second = timedelta(seconds=1)
    assert timers.catch_up(NOW - 90 * second, minute, -1, NOW) == (2, NOW + 30 * second)


def test_a_cycle_started_99_years_ago_fires_once_per_interval_from_now(engine: Engine) -> None:
    text = RUNTIME.format(key="timer_past", kind="timeCycle", expression="spec")
    spec_json = engine.compile({"past.bpmn": text.encode()})["timer_past"].spec_json
    spec = f"R/{NOW.replace(year=NOW.year - 99).isoformat()}/PT1M"
    instance = engine.start(spec_json, cache_key="timer_past", variables={"spec": spec}, now=NOW)
    instance.advance({}, NOW)
    [first] = instance.timers()  # Timer_First (PT1H) leads to the cycle
    reached = first.due_at + timedelta(seconds=1)
    with _quick():
        assert instance.fire_due_timers({}, reached)
        [cycle] = instance.timers()
        assert cycle.element_id == "Timer_Computed"
        assert reached < cycle.due_at <= reached + timedelta(minutes=1)  # nothing missed is caught up
        assert not instance.fire_due_timers({}, reached + timedelta(seconds=1))
        assert instance.fire_due_timers({}, cycle.due_at + timedelta(minutes=5, seconds=1))
        [then] = instance.timers()
    assert then.due_at == cycle.due_at + timedelta(minutes=6)


def test_calendar_cycles_count_missed_months_by_arithmetic_and_keep_the_anchor_day() -> None:
    anchor = datetime(1927, 1, 31, 9, 0, tzinfo=timers.BEIJING)  # 99 years ago, on a month's last day
    with _quick(1):
        passed, following = timers.calendar_catch_up(anchor, 1, 0, 0, -1, NOW)
    # last at or before now: 2026-02-28 09:00 (clipped); next: 31 March, the anchor's day again
    assert passed == 99 * 12 + 2 and following == datetime(2026, 3, 31, 1, 0, tzinfo=UTC)
    assert timers.calendar_catch_up(anchor, 12, 0, 0, 50, NOW)[0] == 50  # R50/P1Y: all spent
    yearly = timers.parse_cycle("R/2020-02-29T09:00:00/P1Y", NOW)
    assert (yearly.months, yearly.anchor) == (12, datetime(2020, 2, 29, 1, 0, tzinfo=UTC))
    assert timers.calendar_catch_up(yearly.anchor, 12, 0, 0, -1, NOW) == (
        7, datetime(2027, 2, 28, 1, 0, tzinfo=UTC))


def test_a_monthly_cycle_through_the_engine_skips_missed_months_and_keeps_its_day(engine: Engine) -> None:
    text = RUNTIME.format(key="timer_monthly", kind="timeCycle", expression="spec")
    spec_json = engine.compile({"monthly.bpmn": text.encode()})["timer_monthly"].spec_json
    instance = engine.start(spec_json, cache_key="timer_monthly",
                            variables={"spec": "R/2026-01-31T09:00:00/P1M"}, now=NOW)
    instance.advance({}, NOW)
    [first] = instance.timers()
    assert instance.fire_due_timers({}, first.due_at + timedelta(seconds=1))
    [cycle] = instance.timers()  # 31 January and 28 February are past: skipped
    assert cycle.due_at == datetime(2026, 3, 31, 1, 0, tzinfo=UTC)
    assert instance.fire_due_timers({}, datetime(2026, 5, 15, tzinfo=UTC))  # one firing for March and April
    [then] = instance.timers()
    assert then.due_at == datetime(2026, 5, 31, 1, 0, tzinfo=UTC)
