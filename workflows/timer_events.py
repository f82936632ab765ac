"""SpiffWorkflow's timer event definitions, computing every value through `workflows.timers`.

SpiffWorkflow's own definitions (`bpmn/specs/event_definitions/timer.py`) add durations by looping
once per month and accept any date, so one timer could hang a worker (issue 11). These subclasses
keep SpiffWorkflow's protocol (`has_fired`, `cycle_complete`, the `event_value` stored in the task's
internal data: an ISO due moment, or `{cycles, next, duration}` for a cycle) but evaluate the
expression once, bound it, and raise `InvalidTimer` naming the element when it is out of bounds.
Class names equal SpiffWorkflow's, so serialized specs keep their typenames and stored specs
restore into these classes; `bounded` converts what SpiffWorkflow's parser built, reading Camunda
Modeler's unquoted ISO literals and `${...}` as Camunda does (`timers.timer_expression`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.event_definitions.base import EventDefinition
from SpiffWorkflow.task import Task

from . import timers
from .clock import current_time
from .errors import InvalidTimer

T = TypeVar("T")


def _checked(my_task: Task, what: str, func: Callable[..., T], *args: Any) -> T:
    try:
        return func(*args)
    except timers.TimerValueError as exc:
        spec = my_task.task_spec
        raise InvalidTimer(f"{what}: {exc}", element_id=getattr(spec, "bpmn_id", None) or spec.name,
                           process_key=my_task.workflow.spec.name) from exc


def _evaluate(definition: spiff_timer.TimerEventDefinition, my_task: Task) -> Any:
    return my_task.workflow.script_engine.evaluate(my_task, definition.expression)


class _OneShotTimer:
    """`has_fired` of a one-shot timer: the due moment is computed once, when the timer starts waiting
    (`due(value, now)`, bounded by `timers`), stored as `event_value`, then compared with the clock."""

    label: str
    due: Any

    def has_fired(self, my_task: Task) -> bool:
        now = current_time()
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            value = _evaluate(self, my_task)
            event_value = _checked(my_task, self.label, self.due, value, now).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if _checked(my_task, self.label, timers.parse_date, event_value) <= now:  # due = fires, as the
            # job table reads it (`job.due_at <= now`) and Camunda fires a timer job: else a job due at
            # exactly `now` ran, moved nothing and was re-made due at once, up to the scheduler's limit
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class TimeDateEventDefinition(_OneShotTimer, spiff_timer.TimeDateEventDefinition):
    """timeDate: an ISO date/date-time (naive = Beijing time), due within the horizon."""

    label = "timeDate"
    due = staticmethod(timers.due_at)


class DurationTimerEventDefinition(_OneShotTimer, spiff_timer.DurationTimerEventDefinition):
    """timeDuration: an ISO duration from the moment the timer starts waiting."""

    label = "timeDuration"
    due = staticmethod(timers.due_after)


class CycleTimerEventDefinition(spiff_timer.CycleTimerEventDefinition):
    """timeCycle: `R[n]/...`, at most one firing per check, missed occurrences skipped.

    The stored `event_value` keeps SpiffWorkflow's shape `{cycles, next, duration}` (`cycles`: the
    repetitions left, -1 unbounded; `next`: the one pending due moment; `duration`: seconds), so a
    cycle only ever holds ONE pending due time and hence one timer job. Rule (Camunda 7
    `DurationHelper.getDateAfterRepeat`, see `timers.catch_up`): when the timer starts waiting, the
    occurrences already past (a start in the past) are skipped without firing; when it is checked
    at or after `next` it fires once, every occurrence up to now counts as consumed, and `next`
    becomes the first occurrence strictly after now. SpiffWorkflow instead fired one occurrence per
    check and advanced by one interval, so `R/2020-01-01T00:00:00Z/PT1M` owed millions of firings.
    """

    def cycle_complete(self, my_task: Task) -> bool:
        now = current_time()
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            value = _evaluate(self, my_task)
            cycle = _checked(my_task, "timeCycle", timers.parse_cycle, value, now)
            event_value = {"cycles": cycle.cycles, "next": cycle.start.isoformat(),
                           "duration": cycle.interval.total_seconds()}
            if cycle.months and cycle.anchor is not None:  # calendar occurrences, counted from the anchor
                event_value.update(anchor=cycle.anchor.isoformat(), months=cycle.months,
                                   seconds=cycle.seconds, index=cycle.index)
            _catch_up(my_task, event_value, now)  # missed before it started waiting: skipped
        ready = False
        if event_value["cycles"] != 0:
            if datetime.fromisoformat(event_value["next"]) <= now:
                _catch_up(my_task, event_value, now)
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def _catch_up(my_task: Task, event_value: dict[str, Any], now: datetime) -> int:
    """Consume the occurrences at or before `now` in `event_value` (in place); how many there were."""
    remaining = event_value["cycles"]
    if "anchor" in event_value:
        passed, following = _checked(
            my_task, "timeCycle", timers.calendar_catch_up, datetime.fromisoformat(event_value["anchor"]),
            event_value["months"], event_value["seconds"], event_value["index"], remaining, now)
        event_value["index"] += passed
    else:
        passed, following = _checked(my_task, "timeCycle", timers.catch_up,
                                     datetime.fromisoformat(event_value["next"]),
                                     timedelta(seconds=event_value["duration"]), remaining, now)
    event_value["next"] = following.isoformat()
    if remaining > 0:
        event_value["cycles"] = remaining - passed
    return passed


_OURS: dict[type, type] = {
    spiff_timer.TimeDateEventDefinition: TimeDateEventDefinition,
    spiff_timer.DurationTimerEventDefinition: DurationTimerEventDefinition,
    spiff_timer.CycleTimerEventDefinition: CycleTimerEventDefinition,
}
REPLACED = dict(_OURS)
"""SpiffWorkflow's timer class → ours (for the serializer config)."""


START_EVENT = "start_event"
"""Key, in the internal data of an instance's root task, of the start event it was started at
(`Engine.start`): an element id, or `INITIAL` for a start that names none (a person's start)."""
INITIAL = ""


class TimerStartEventDefinition(EventDefinition):
    """A process-level timer start event (issue 12, fault 5).

    In Camunda 7 such an event is not a wait inside an instance: the job executor creates a new
    instance per firing (workflows/timer_start.py says when; the service layer keeps the jobs), and a
    manual start of a process whose initial start event it is starts there at once
    (`BpmnParse.selectInitial`: a single none or timer start event is the initial one). So it has
    fired as soon as it is reached when the instance was started at it or at the initial start
    (`START_EVENT` in the root task's internal data), or when its process runs as a called process;
    otherwise (the instance was started at another start event, e.g. a message start) it waits and
    the start-event join cancels it. It is not a `TimerEventDefinition`, so no instance ever projects
    a timer job for it.
    """

    def __init__(self, name: str | None, expression: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name = name
        self.expression = expression

    def has_fired(self, my_task: Task) -> bool:
        workflow = my_task.workflow
        if workflow is not workflow.top_workflow:
            return True
        chosen = workflow.task_tree.internal_data.get(START_EVENT)
        return chosen is not None and chosen in (INITIAL, my_task.task_spec.bpmn_id)


def bounded(definition: Any, *, process_start: bool = False) -> Any:
    """Ours in place of a SpiffWorkflow timer definition (anything else is returned unchanged);
    `process_start`: the definition of a timer start event directly in a process."""
    if process_start and isinstance(definition, spiff_timer.TimerEventDefinition):
        return TimerStartEventDefinition(definition.name, definition.expression,
                                         description=definition.description)
    ours = _OURS.get(type(definition))
    if ours is None:
        return definition
    return ours(definition.name, timers.timer_expression(definition.expression),
                description=definition.description)
