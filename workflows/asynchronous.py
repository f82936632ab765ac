"""Asynchronous continuations: `camunda:asyncBefore` / `camunda:asyncAfter` make a step run as a job.

Camunda 7 (user guide, "Transactions in Processes" / "Asynchronous Continuations") ends the caller's
transaction at an asynchronous continuation and lets the job executor run the rest: with
`asyncBefore` the activity itself runs in the job, with `asyncAfter` the outgoing sequence flows do.
A failure there is the job's, not the caller's: the job is retried and, when no retries are left,
becomes an incident an administrator retries (`PUT /job/{id}/retries`).

Here the engine *parks* such a step: SpiffWorkflow's `Task.run` is wrapped so that a task held by an
asynchronous continuation goes to STARTED without running, marked `consortium_async_parked` in its
internal data. `Instance.async_jobs()` lists the parked tasks (the service layer keeps one job per
parked task) and `Instance.run_async` releases one and runs it. `asyncAfter` on an activity holds the
engine steps that follow it (its children made READY when it completed). A user task held either way
is parked when it becomes READY (`park_if_held`), so the job creates it. Declarations are copied from
the XML into the task spec's extensions at compile time (`attach`), so they are stored with the spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import listeners

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BEFORE = "camunda:asyncBefore"
AFTER = "camunda:asyncAfter"
PARKED = "consortium_async_parked"
RELEASED = "consortium_async_released"
HELD = "consortium_async_held"  # set on the steps following an asyncAfter activity
_INSTALLED = False


def attach(specs: Mapping[str, Any], documents: Mapping[str, etree._ElementTree]) -> None:
    """Copy `camunda:asyncBefore="true"` / `asyncAfter="true"` of every element of `specs` into its
    task spec's extensions (`extensions["camunda:asyncBefore"] = True`).

    Each spec reads only its own process (or sub-process) element: `documents` also holds the other
    deployed diagrams a call activity may reference, and an element id repeated there must not lend
    its flags to this one (hbreak fault 1)."""
    for spec_name, spec in specs.items():
        container = listeners.container_of(documents, spec_name, specs)
        if container is None:
            continue
        for task_spec in spec.task_specs.values():
            element_id = getattr(task_spec, "bpmn_id", None)
            if not element_id or not hasattr(task_spec, "extensions"):
                continue
            found = container.xpath(".//*[@id=$id]", id=element_id)
            if not found:
                continue
            flags = {key: True for key, attr in ((BEFORE, "asyncBefore"), (AFTER, "asyncAfter"))
                     if (found[0].get(f"{{{CAMUNDA}}}{attr}") or "").strip().lower() == "true"}
            if flags:
                task_spec.extensions = {**(task_spec.extensions or {}), **flags}


def declares(task: Task, key: str) -> bool:
    """Whether `task`'s element declares `key` (`BEFORE` or `AFTER`) as true."""
    return bool((getattr(task.task_spec, "extensions", None) or {}).get(key))


def held(task: Task) -> bool:
    """Whether running `task` now would pass an asynchronous continuation that no job released yet."""
    if task.task_spec.manual or task.internal_data.get(RELEASED):
        return False
    return declares(task, BEFORE) or bool(task.internal_data.get(HELD))


def park_if_held(task: Task) -> bool:
    """Park a READY user (manual) task held by an asynchronous continuation, so that the job creates it
    (Camunda: asyncBefore on a user task, or asyncAfter on the step before it); True if parked."""
    if task.internal_data.get(RELEASED) or task.internal_data.get(PARKED):
        return bool(task.internal_data.get(PARKED))
    if not (declares(task, BEFORE) or task.internal_data.get(HELD)):
        return False
    task._set_state(TaskState.STARTED)
    task.internal_data[PARKED] = True
    return True


def parked(task: Task) -> bool:
    """A task waiting for its asynchronous-continuation job."""
    return task.state == TaskState.STARTED and bool(task.internal_data.get(PARKED))


def release(task: Task) -> None:
    """Let the parked `task` run (its job is executing); the caller then runs it."""
    task.internal_data.pop(PARKED, None)
    task.internal_data[RELEASED] = True


def install() -> None:
    """Wrap `Task.run` (park held tasks) and `Task.complete` (hold what follows an asyncAfter
    activity) once; call after `listeners.install`, whose `complete` this wraps."""
    global _INSTALLED
    if _INSTALLED:
        return
    original_run = Task.run
    previous_complete = Task.complete

    def run(self: Task) -> bool | None:
        if held(self):
            self._set_state(TaskState.STARTED)
            self.internal_data[PARKED] = True
            return None
        return original_run(self)

    def complete(self: Task) -> None:
        previous_complete(self)
        if declares(self, AFTER):
            for child in self.children:
                if not child.has_state(TaskState.FINISHED_MASK):
                    child.internal_data[HELD] = True

    Task.run = run  # type: ignore[method-assign]
    Task.complete = complete  # type: ignore[method-assign]
    _INSTALLED = True
