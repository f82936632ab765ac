"""Plain values the engine hands to the service layer (no SpiffWorkflow objects leak out).

The service layer writes projections (`human_task`, `job`) and answers lists from these, so they
carry everything a worklist row or a scheduler job needs and nothing that ties the caller to
SpiffWorkflow's classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .timer_start import TimerStart


@dataclass(frozen=True)
class CompiledProcess:
    """One executable process of a deployment; `spec_json` belongs to the definition row."""

    key: str
    name: str | None
    spec_json: str
    called: tuple[str, ...]
    resource_name: str
    timer_starts: tuple[TimerStart, ...] = ()
    """Its process-level timer start events (issue 12, fault 5): the service layer schedules them."""
    warnings: tuple[str, ...] = ()  # workflows/advice.py: deploys, but probably not as meant


@dataclass(frozen=True)
class MessageSubscription:
    """An element waiting for message `message_name` (Camunda's message event subscription); its
    `task_id` is the execution id the correlation answers with."""

    task_id: str
    element_id: str
    message_name: str


@dataclass(frozen=True)
class UserTask:
    """A READY manual task, with its Camunda attributes already resolved against its data.

    Attributes are resolved once, when the task becomes READY, and stored with the instance, so a
    due date such as `${add_days(now(), 10)}` does not move on every read.
    """

    task_id: str
    element_id: str
    name: str | None
    form_key: str | None
    process_key: str
    lane: str | None
    candidate_groups: list[str]
    candidate_users: list[str]
    assignee: str | None
    candidate_organisation: str | None
    due_at: datetime | None
    follow_up_at: datetime | None
    priority: int | None
    properties: dict[str, Any]
    mi_item: Any | None
    form_fields: list[dict[str, Any]] = field(default_factory=list)
    local_variables: dict[str, Any] = field(default_factory=dict)
    """JSON-safe variables local to the task and its multi-instance body (element variable,
    `loopCounter`, `nrOfInstances`, `nrOfActiveInstances`, `nrOfCompletedInstances`, input
    parameters, and task-local variables set over REST), current as of the last command: Camunda lists
    them with the task's variables."""
    local_types: dict[str, str] = field(default_factory=dict)
    """The Camunda types of `local_variables` where their JSON value hides it (`{"due": "Date"}`)."""
    called_scope: dict[str, Any] | None = None
    """For a task of a called process (call activity): that process instance's variables (JSON-safe),
    which are what the task sees instead of the caller's (issue 12, fault 4); else None."""


@dataclass(frozen=True)
class Timer:
    """A timer the instance waits on; the scheduler wakes the instance at `due_at` (aware, UTC)."""

    task_id: str
    element_id: str
    name: str | None
    due_at: datetime


@dataclass(frozen=True)
class ServiceCall:
    """What an external-task handler receives; it returns a dict merged into the task's data."""

    topic: str
    element_id: str
    task_id: str
    process_key: str
    variables: dict[str, Any]
    inputs: dict[str, Any]


@dataclass(frozen=True)
class ExternalTask:
    """A service task waiting for an external worker: no in-process handler serves its topic.

    `priority` is the element's `camunda:taskPriority` (Camunda's default 0 when absent or not a number).
    """

    task_id: str
    element_id: str
    name: str | None
    topic: str
    process_key: str
    priority: int
    context: dict[str, Any] = field(default_factory=dict)  # workflows/external_context.py `context`


@dataclass(frozen=True)
class ActivityState:
    """Progress of one element, for drawing the instance over its diagram."""

    element_id: str
    name: str | None
    process_key: str
    state: Literal["active", "completed"]
    task_id: str
