"""Activity instances as Camunda's history records them: one per activity instance, with its real start
and end, `canceled` when it was cut off (hbreak fault 5).

SpiffWorkflow's task tree is pruned while a command runs (workflows/prune.py) and holds no times, so the
tree at save time cannot tell what ran. Instead `Task._set_state` is wrapped (once, `install`) to note,
on the top workflow object (in memory, for the current command), every BPMN element's task that starts
(READY, STARTED or WAITING) and ends (COMPLETED, or CANCELLED / ERROR after it had started) at the
engine's clock. `drain(workflow)` hands the notes to the service, which stores them.

Camunda's rules kept: the engine's internal specs (no `bpmn_id`) are not activities; a boundary event
is an activity instance only when it fires, and so is an event sub-process (with its start event); a
catch event after an event-based gateway that another
event won leaves no trace; a multi-instance body is its own instance, `<element>#multiInstanceBody`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, EndEvent, EventBasedGateway, StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess, SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
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
        if not element or str(task.id) in notes or _only_when_fired(task) or _not_yet_triggered(task):
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


def _owning_event_subprocess(task: Task) -> Task | None:
    """The event sub-process task whose sub-workflow holds `task`, if any."""
    parent_id = getattr(task.workflow, "parent_task_id", None)
    if parent_id is None:
        return None
    parent = task.workflow.top_workflow.get_task_from_id(parent_id)
    return parent if parent is not None and _is_event_subprocess(parent.task_spec) else None


def _is_event_subprocess(spec: Any) -> bool:
    """SpiffWorkflow parses `subProcess triggeredByEvent="true"` as a sub-workflow task hung directly on
    the process's internal start (ProcessParser: `start.connect_or_add_trigger`)."""
    if isinstance(spec, EventSubprocess):
        return True
    start = getattr(getattr(spec, "_wf_spec", None), "start", None)
    return isinstance(spec, SubWorkflowTask) and start is not None and spec in start.outputs


def _not_yet_triggered(task: Task) -> bool:
    """An event sub-process (or its start event) whose event has not happened: no activity instance yet
    (Camunda creates one when the event sub-process is triggered)."""
    spec = task.task_spec
    if isinstance(spec, StartEvent) and _owning_event_subprocess(task) is not None:
        return task.state != TaskState.COMPLETED
    if _is_event_subprocess(spec):
        sub = task.workflow.top_workflow.subprocesses.get(task.id)
        if sub is None:
            return True
        # finished tasks may be pruned (workflows/prune.py): a start event still waiting says "not yet"
        waiting = TaskState.WAITING | TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE
        return any(isinstance(t.task_spec, StartEvent) and t.state & waiting for t in sub.get_tasks())
    return False


def _note(task: Task, before: int, after: int) -> None:
    spec = task.task_spec
    element = getattr(spec, "bpmn_id", None)
    if not element:
        return
    if _not_yet_triggered(task):
        return
    if isinstance(spec, (StartEvent, EndEvent)) and after == TaskState.COMPLETED:
        owner = _owning_event_subprocess(task)
        if owner is not None:  # triggered now (start) or done (end): the event sub-process's instance
            _note(owner, *((TaskState.FUTURE, TaskState.STARTED) if isinstance(spec, StartEvent)
                           else (TaskState.STARTED, TaskState.COMPLETED)))
    started = bool(after & _STARTED) and not (before & (_STARTED | TaskState.FINISHED_MASK))
    ended = bool(after & TaskState.FINISHED_MASK) and not (before & TaskState.FINISHED_MASK)
    if not (started or ended):
        return
    was_running = bool(before & _STARTED)
    # a joining gateway's token that waited is merged, not cut off: Camunda ends its activity instance
    canceled = ended and after != TaskState.COMPLETED and not isinstance(spec, UnstructuredJoin)
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
    if ended and note.end is not None:
        return  # ended already (an event sub-process ends at its end event, its task later)
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
