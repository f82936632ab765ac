"""Activity instances as Camunda's history records them: one per activity instance, with its real start
and end, `canceled` when it was cut off (hbreak fault 5).

SpiffWorkflow's task tree is pruned while a command runs (workflows/prune.py) and holds no times, so the
tree at save time cannot tell what ran. Instead `Task._set_state` is wrapped (once, `install`) to note,
on the top workflow object (in memory, for the current command), every BPMN element's task that starts
(READY, STARTED or WAITING) and ends (COMPLETED, or CANCELLED / ERROR after it had started) at the
engine's clock. `drain(workflow)` hands the notes to the service, which stores them.

Camunda's rules kept: the engine's internal specs (no `bpmn_id`) are not activities; a boundary event
is an activity instance only when it fires; a catch event after an event-based gateway that another
event won leaves no trace; a multi-instance body is its own instance, `<element>#multiInstanceBody`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .clock import current_time

_log = logging.getLogger(__name__)
_LOG = "_consortium_activity_log"
_STARTED = TaskState.READY | TaskState.STARTED | TaskState.WAITING
_INSTALLED = False
MI_BODY = "#multiInstanceBody"


@dataclass
class ActivityNote:
    """One activity instance as far as this command saw it; `start` None: it started in an earlier one."""

    task_id: str
    element_id: str
    name: str | None
    process_key: str
    kind: str | None  # "multiInstanceBody", else None (the element's own type)
    start: datetime | None = None
    end: datetime | None = None
    canceled: bool = False


def drain(workflow: Any) -> list[ActivityNote]:
    """The notes this command made on `workflow`, in order, and forget them; plus a note without times
    for each running activity not noted (SpiffWorkflow creates some tasks, e.g. multi-instance
    children, already READY), which the service stores as started now unless it knows it already."""
    notes = workflow.__dict__.pop(_LOG, None) or {}
    out = list(notes.values())
    for task in workflow.get_tasks(state=_STARTED):
        spec = task.task_spec
        element = getattr(spec, "bpmn_id", None)
        if not element or str(task.id) in notes or _only_when_fired(task):
            continue
        body = isinstance(spec, MultiInstanceTask)
        out.append(ActivityNote(str(task.id), element + (MI_BODY if body else ""),
                                getattr(spec, "bpmn_name", None), task.workflow.spec.name,
                                "multiInstanceBody" if body else None))
    return out


def _only_when_fired(task: Task) -> bool:
    """A boundary event, or a catch event after an event-based gateway: an activity instance only
    if its event happens."""
    return (isinstance(task.task_spec, BoundaryEvent)
            or isinstance(getattr(task.parent, "task_spec", None), EventBasedGateway))


def _note(task: Task, before: int, after: int) -> None:
    spec = task.task_spec
    element = getattr(spec, "bpmn_id", None)
    if not element:
        return
    started = bool(after & _STARTED) and not (before & (_STARTED | TaskState.FINISHED_MASK))
    ended = bool(after & TaskState.FINISHED_MASK) and not (before & TaskState.FINISHED_MASK)
    if not (started or ended):
        return
    was_running = bool(before & _STARTED)
    canceled = ended and after != TaskState.COMPLETED
    if canceled and not was_running:
        return  # a path not taken: never an activity instance
    if _only_when_fired(task) and after != TaskState.COMPLETED:
        return  # waiting for the event is no activity instance (Camunda); its firing is
    body = isinstance(spec, MultiInstanceTask)
    top = task.workflow.top_workflow
    notes = top.__dict__.setdefault(_LOG, {})
    key = str(task.id)
    note = notes.get(key)
    if note is None:
        note = notes[key] = ActivityNote(
            key, element + (MI_BODY if body else ""), getattr(spec, "bpmn_name", None),
            task.workflow.spec.name, "multiInstanceBody" if body else None)
    now = current_time()
    if started and note.start is None:
        note.start = now
    if ended:
        if note.start is None and (not was_running or _only_when_fired(task)):
            note.start = now
        note.end, note.canceled = now, canceled


def install() -> None:
    """Wrap `Task._set_state` once to note activity starts and ends."""
    global _INSTALLED
    if _INSTALLED:
        return
    original = Task._set_state

    def _set_state(self: Task, value: int) -> None:
        before = self._state
        original(self, value)
        if before != value:
            try:
                _note(self, before, value)
            except Exception:  # history must never break a step; say so, though
                _log.exception("activity note failed for %s", getattr(self.task_spec, "bpmn_id", None))

    Task._set_state = _set_state  # type: ignore[method-assign]
    _INSTALLED = True
