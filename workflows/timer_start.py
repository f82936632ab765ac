"""Timer start events: the schedule of a process's timer start event (Camunda 7 semantics).

A timer start event does not delay an instance: it creates one per firing (Camunda user guide, "Timer
Events", "Timer Start Event"). The service layer keeps one job per pending firing; this module says
when the firings are and carries what the next one needs as a JSON-safe `state`:

- `timeDate`: one firing at that date (a date already past fires once, at once, as Camunda's job
  would); `{"kind": "date"}`.
- `timeDuration`: one firing that long after the deployment; `{"kind": "date"}`.
- `timeCycle` `R[n]/start/period`, `R[n]/period`, `R[n]/period/end`: the cycle's occurrences, counted
  down; occurrences already past when it is deployed, or missed while no scheduler ran, are skipped,
  never fired one by one (Camunda 7 `DurationHelper.getDateAfterRepeat`; `timers.catch_up`);
  `{"kind": "cycle", "cycles", "next", "duration"[, "anchor", "months", "seconds", "index"]}`.
- `timeCycle` cron (Quartz, `0 0 9 * * ?`): the next firing strictly after the current one
  (`workflows.cron`, APScheduler's CronTrigger in Beijing time); `{"kind": "cron", "cron"}`.

Where a timer start event may stand, and which start a manual start takes, follows Camunda 7's
parser (`BpmnParse.selectInitial`, checked in `workflows.lint`): at most one none or timer start
event per process; none in an embedded sub-process.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lxml import etree

from . import cron, timers

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
KINDS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class TimerStart:
    """A timer start event of a process as drawn: element id, name, which timer field, its text."""

    element_id: str
    name: str | None
    kind: str
    text: str


@dataclass(frozen=True)
class Firing:
    """When a timer start event fires next (aware UTC), and the state the firing after it needs."""

    due_at: datetime
    state: dict[str, Any]


def timer_starts(process: etree._Element) -> tuple[TimerStart, ...]:
    """The timer start events directly in `process` (a `bpmn:process` element), in document order."""
    found = []
    for start in process.findall(_B + "startEvent"):
        definition = start.find(_B + "timerEventDefinition")
        if definition is None:
            continue
        for child in definition:
            if isinstance(child.tag, str) and etree.QName(child).localname in KINDS:
                found.append(TimerStart(start.get("id"), start.get("name"), etree.QName(child).localname,
                                        (child.text or "").strip()))
                break
    return tuple(found)


def literal(start: TimerStart) -> str | None:
    """The value as written when it is a literal (Modeler's bare ISO text, a quoted string, or a
    cron expression); None when it is an expression to evaluate."""
    if start.kind == "timeCycle" and cron.looks_like_cron(start.text):
        return start.text
    expression = timers.timer_expression(start.text)
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return None
    body = tree.body
    return body.value if isinstance(body, ast.Constant) and isinstance(body.value, str) else None


def first_firing(start: TimerStart, evaluate: Callable[[str], Any], now: datetime) -> Firing | None:
    """The first firing of `start` deployed at `now`; None for a bounded cycle already used up.

    An expression (`${...}` or Python) is evaluated once, here, with no variables (no instance exists
    yet; Camunda evaluates it at deploy the same way) by `evaluate(python_expression)`; its value may
    be an ISO string, a cron string, or (timeDate) a datetime/date.

    Raises:
        timers.TimerValueError: malformed, unsupported or out of bounds (the message is safe to show).
        Exception: whatever `evaluate` raises for a failing expression.
    """
    value: Any = literal(start)
    if value is None:
        value = evaluate(timers.timer_expression(start.text))
    if start.kind == "timeDate":
        return Firing(timers.due_at(value, now), {"kind": "date"})
    if start.kind == "timeDuration":
        return Firing(timers.due_after(value, now), {"kind": "date"})
    if not isinstance(value, str):
        raise timers.TimerValueError(f"timeCycle 须为字符串 / timeCycle must be a string, got "
                                     f"{type(value).__name__}")
    if not value.strip().upper().startswith("R"):  # Camunda: anything but an ISO cycle is cron
        return Firing(cron.first_after(value, now), {"kind": "cron", "cron": value.strip()})
    cycle = timers.parse_cycle(value, now)
    state: dict[str, Any] = {"kind": "cycle", "cycles": cycle.cycles, "next": cycle.start.isoformat(),
                             "duration": cycle.interval.total_seconds()}
    if cycle.months and cycle.anchor is not None:
        state.update(anchor=cycle.anchor.isoformat(), months=cycle.months, seconds=cycle.seconds,
                     index=cycle.index)
    _consume(state, now, before=True)  # occurrences already past at deploy: skipped
    return None if state["cycles"] == 0 else Firing(datetime.fromisoformat(state["next"]), state)


def next_firing(state: dict[str, Any], now: datetime) -> Firing | None:
    """The firing after the one due now (`now`: the moment it fires, at or after its due time);
    None when it was the last.

    Raises:
        timers.TimerValueError: a stored state that no longer parses (never for one this module made).
    """
    kind = state.get("kind")
    if kind == "cron":
        following = cron.next_after(state["cron"], now)
        return None if following is None else Firing(following, dict(state))
    if kind != "cycle":
        return None
    state = dict(state)
    _consume(state, now, before=False)
    return None if state["cycles"] == 0 else Firing(datetime.fromisoformat(state["next"]), state)


def _consume(state: dict[str, Any], now: datetime, *, before: bool) -> None:
    """Count the occurrences at or before `now` as used (`before`: strictly before, at deploy, where an
    occurrence due exactly now still fires) and move `next` to the first one after."""
    moment = now - timedelta(microseconds=1) if before else now
    remaining = state["cycles"]
    if "anchor" in state:
        passed, following = timers.calendar_catch_up(
            datetime.fromisoformat(state["anchor"]), state["months"], state["seconds"], state["index"],
            remaining, moment)
        state["index"] += passed
    else:
        passed, following = timers.catch_up(datetime.fromisoformat(state["next"]),
                                            timedelta(seconds=state["duration"]), remaining, moment)
    state["next"] = following.isoformat()
    if remaining > 0:
        state["cycles"] = remaining - passed
