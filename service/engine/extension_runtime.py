"""Binds the diagram-declared callables (workflows/extensions.py) to one command's transaction.

The generic command path (engine/commands.py) uses these to run delegates and listeners with a
`DelegateContext` that knows the instance row, the database session, the actor and the command's
time, and to call the hooks the domain registered (service handlers, post-save projections). It
imports no domain module: everything domain-specific arrives through `ctx.extensions`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from workflows.engine import Instance as RunningInstance
from workflows.extensions import DelegateContext, Extensions, TaskInfo
from workflows.listeners import Binding, has_task_listeners

from ..actors import Actor
from . import personal_data
from .store.models import HumanTask, ProcessInstance


def binding(extensions: Extensions, session: Session, row: ProcessInstance, actor: Actor,
            now: datetime) -> Binding:
    """The run-time binding for one command on `row` (see workflows/listeners.py)."""

    def make(*, element_id: str | None, element_name: str | None, event: str, variables: dict[str, Any],
             task: TaskInfo | None = None) -> DelegateContext:
        return DelegateContext(
            instance_id=row.id, business_key=row.business_key, definition_key=row.definition_key,
            element_id=element_id, element_name=element_name, event=event, variables=variables,
            actor=actor, now=now, session=session, task=task, extensions=extensions,
        )

    return Binding(extensions, make)


def service_handlers(extensions: Extensions, session: Session, row: ProcessInstance, actor: Actor,
                     now: datetime, settings: Any) -> dict[str, Callable[..., Any]]:
    """The external-task topics served in-process for this command: every provider's, merged."""
    handlers: dict[str, Callable[..., Any]] = {}
    for provider in extensions.service_handlers:
        provided: Mapping[str, Callable[..., Any]] = provider(session, row, actor, now, settings)
        handlers.update(provided)
    return handlers


def after_save(extensions: Extensions, session: Session, row: ProcessInstance, running: RunningInstance,
               now: datetime, settings: Any = None) -> None:
    """Run the registered post-save projections (they read `running` and write domain records or jobs);
    `settings` are the context's deadline settings (service/deadline_settings.py)."""
    for hook in extensions.after_save:
        hook(session, row, running, now, settings)


def tasks_created(running: RunningInstance, created: list[HumanTask]) -> bool:
    """Run the `create` (and, for a task created with an assignee, `assignment`) task listeners of the
    tasks that just appeared, in the bound binding; True if any ran (the caller saves again)."""
    ran = False
    for task in created:
        spiff = running.workflow.get_task_from_id(UUID(str(task.id)))
        for event in ("create", "assignment"):
            if event == "assignment" and not task.assignee:
                continue
            if spiff is not None and has_task_listeners(spiff, event):
                running.notify_task(task.id, event, assignee=task.assignee)
                ran = True
    return ran


def filter_variables(extensions: Extensions, session: Session, instance_id: str, actor: Actor,
                     variables: dict[str, Any]) -> dict[str, Any]:
    """`variables` as `actor` may read them, after every registered filter and, last, the masking of
    personal identifiers for readers not entitled to them (personal_data.py, breakit F16)."""
    for hook in extensions.variable_filters:
        variables = hook(session, instance_id, actor, variables)
    return personal_data.for_reader(session, instance_id, actor, variables)
