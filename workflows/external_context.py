"""What an external task carries beyond its element: the variables it sees and its priority.

Camunda 7 hands a worker the variables of the task's own execution: for a service task inside a called
process, the called process instance's variables (what `camunda:in` mapped), never the caller's
(hbreak fault 2); for a multi-instance child, its local element variable, `loopCounter` and the body's
`nrOf...` counters on top (hbreak fault 3). `camunda:taskPriority` may be an expression, evaluated when
the task is created (Camunda user guide, "External Tasks" > "External Task Prioritization"; hbreak
fault 7), kept in the task's internal data so that it is evaluated once.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.task import Task

from .data import camunda_types, json_safe
from .errors import EngineError
from .resolve import evaluate_attribute
from .scope import instance_scope, scope_owner, task_locals

PRIORITY = "consortium_task_priority"
"""internal_data key: the evaluated `camunda:taskPriority` of an external task."""


def priority(task: Task) -> int:
    """The task's `camunda:taskPriority`: a literal or `${expression}`, evaluated once; Camunda's
    default 0 when absent, when the expression fails or does not give a whole number."""
    if PRIORITY not in task.internal_data:
        raw = (getattr(task.task_spec, "extensions", None) or {}).get("camunda:taskPriority")
        try:
            value = evaluate_attribute(task, raw.strip()) if isinstance(raw, str) else raw
        except EngineError:
            value = None
        task.internal_data[PRIORITY] = _whole(value)
    return int(task.internal_data[PRIORITY])


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip()) if value is not None else 0
    except (TypeError, ValueError):
        return 0


def context(task: Task) -> dict[str, Any]:
    """JSON-safe `{"locals", "localTypes", "called", "calledTypes"}` of an external task (keys only when
    non-empty; `called` only for a task of a called process, its instance's variables)."""
    out: dict[str, Any] = {}
    locals_ = task_locals(task)
    if locals_:
        out["locals"] = json_safe(locals_)
        types = camunda_types(locals_)
        if types:
            out["localTypes"] = types
    owner = scope_owner(task.workflow)
    if getattr(owner, "parent_task_id", None) is not None:
        scope = dict(instance_scope(owner))
        out["called"] = json_safe(scope)
        types = camunda_types(scope)
        if types:
            out["calledTypes"] = types
    return out
