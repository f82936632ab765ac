"""Resolution of Camunda extension attributes (`${python-expr}` or literal) against task data.

Diagrams write `camunda:assignee="${desk['expert']}"`, `dueDate="${add_days(now(), 10)}"` or a
literal. The inside of `${...}` is evaluated by the workflow's (sandboxed) script engine, so it
sees exactly the helpers and data a condition would, and `${member.credit_code}` reads a dict key.
Results are stored JSON-safe in the task's internal data when the task becomes READY, so dates
relative to `now()` are fixed at that moment and survive serialization.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.task import Task

from . import timers
from .clock import SHANGHAI, current_time
from .data import json_safe
from .errors import InvalidTimer, ScriptFailed

RESOLVED_KEY = "consortium_attributes"
_WHOLE_EXPR = re.compile(r"\s*\$\{(.*)\}\s*", re.DOTALL)


def evaluate_attribute(task: Task, raw: Any) -> Any:
    """Literal as is; `${expr}` evaluated in the sandbox against the task's data."""
    if not isinstance(raw, str):
        return raw
    match = _WHOLE_EXPR.fullmatch(raw)
    if match is None:
        return raw
    try:
        return task.workflow.script_engine.evaluate(task, match.group(1))
    except Exception as exc:  # WorkflowTaskException, or a bare error from a helper
        raise ScriptFailed.from_spiff(exc) from exc


def to_datetime(value: Any, now: datetime) -> datetime | None:
    """An aware UTC datetime from a datetime, date, ISO date/datetime or ISO duration (from now).

    Naive values are Beijing time; a bare date means its midnight, as in Camunda. Durations are
    computed by `workflows.timers` (bounded, constant time).

    Raises:
        TimerValueError: a malformed or too long duration. ValueError / TypeError: not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if text[:1].upper() == "P":
            return timers.due_after(text, now)
        value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
        return datetime.fromtimestamp(aware.timestamp(), tz=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), SHANGHAI).astimezone(UTC)
    raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def element_variable(task: Task) -> str | None:
    """Name of the MI element variable if `task` is a multi-instance child, else None."""
    parent = task.parent
    spec = getattr(parent, "task_spec", None)
    if isinstance(spec, MultiInstanceTask) and spec.output_item is not None:
        return spec.output_item.bpmn_id
    return None


def resolve_attributes(task: Task) -> dict[str, Any]:
    """Evaluate the task's Camunda attributes once; JSON-safe, stored in internal data."""
    ext = task.task_spec.extensions or {}
    element = task.task_spec.bpmn_id

    def get(name: str) -> Any:
        return evaluate_attribute(task, ext.get(f"camunda:{name}"))

    try:
        now = current_time()
        due = to_datetime(get("dueDate"), now)
        follow_up = to_datetime(get("followUpDate"), now)
        for name, value in (("dueDate", due), ("followUpDate", follow_up)):
            if value is not None and value > timers.horizon(now):
                raise timers.TimerValueError(
                    f"{name} {value.isoformat()} 超过 {timers.MAX_YEARS_AHEAD} 年之后 / is more than "
                    f"{timers.MAX_YEARS_AHEAD} years ahead")
        priority = get("priority")
        priority = int(priority) if priority not in (None, "") else None
    except timers.TimerValueError as exc:
        raise InvalidTimer(str(exc), element_id=element, process_key=task.workflow.spec.name) from exc
    except (TypeError, ValueError) as exc:
        raise ScriptFailed(f"invalid dueDate/followUpDate/priority: {exc}", element_id=element,
                           process_key=task.workflow.spec.name) from exc
    except Exception as exc:  # Spiff's bare Exception('Invalid duration')
        if isinstance(exc, ScriptFailed):
            raise
        raise ScriptFailed(str(exc), element_id=element, process_key=task.workflow.spec.name) from exc
    assignee = get("assignee")
    properties = {k: evaluate_attribute(task, v) for k, v in ext.items()
                  if not k.startswith("camunda:") and isinstance(v, str)}
    return json_safe({
        "assignee": str(assignee) if assignee not in (None, "") else None,
        "candidate_groups": _names(get("candidateGroups")),
        "candidate_users": _names(get("candidateUsers")),
        "due_at": due,
        "follow_up_at": follow_up,
        "priority": priority,
        "properties": properties,
    })


def resolved(task: Task) -> dict[str, Any]:
    """Stored attributes of a READY task, resolving (and storing) them on first use."""
    stored = task.internal_data.get(RESOLVED_KEY)
    if stored is None:
        stored = resolve_attributes(task)
        task.internal_data[RESOLVED_KEY] = stored
    return stored
