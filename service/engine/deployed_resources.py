"""Reading what a deployment holds: its files (`GET /deployment/{id}/resources[/{rid}[/data]]`) and the
Camunda Forms deployed with a task or a start event (`deployed-form`, `deployed-start-form`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..errors import InvalidInput, NotFound
from . import drawn_forms
from .browse import may_see_deployments
from .store import definitions, instances, tasks
from .store.models import ProcessDefinition, Resource


def list_resources(ctx: Context, *, deployment_id: str, actor: Actor) -> list[Resource]:
    """The files of a deployment, in name order. NotFound for an unknown deployment or a caller who
    may not see deployments (process owners and administrators may)."""
    _may_see(deployment_id, actor)
    with ctx.unit_of_work(write=False) as uow:
        definitions.get_deployment(uow.session, deployment_id)
        return list(uow.session.scalars(
            sa.select(Resource).where(Resource.deployment_id == deployment_id).order_by(Resource.name)))


def get_resource(ctx: Context, *, deployment_id: str, resource_id: str, actor: Actor) -> Resource:
    """One file of a deployment; NotFound as `list_resources`, or when it holds no such resource."""
    _may_see(deployment_id, actor)
    with ctx.unit_of_work(write=False) as uow:
        row = uow.session.get(Resource, resource_id)
        if row is None or row.deployment_id != deployment_id:
            raise NotFound(f"部署资源不存在 / Deployment '{deployment_id}' has no resource '{resource_id}'")
        return row


def task_form(ctx: Context, *, task_id: str, actor: Actor) -> dict[str, Any]:
    """Camunda's FormDto of a task (`GET /task/{id}/form`). NotFound for a task the caller may not see."""
    with ctx.unit_of_work(write=False) as uow:
        task = tasks.get_visible(uow.session, task_id, actor)
        row = instances.of_visible_task(uow.session, task)
        return drawn_forms.reference(uow.session, row.definition_id, task.process_key, task.element_id,
                                     task.form_key)


def task_deployed_form(ctx: Context, *, task_id: str, actor: Actor) -> bytes:
    """The Camunda Form file of a task (`GET /task/{id}/deployed-form`), byte for byte. NotFound when
    the task has none deployed (a built-in, generated or embedded form) or the caller may not see it."""
    with ctx.unit_of_work(write=False) as uow:
        task = tasks.get_visible(uow.session, task_id, actor)
        row = instances.of_visible_task(uow.session, task)
        drawn = drawn_forms.for_task(uow.session, row.definition_id, task.process_key, task.element_id,
                                     task.form_key)
        if drawn.resource is None:
            raise drawn_forms.not_found(task_id, task.form_key)
        return drawn.resource.content


def start_deployed_form(ctx: Context, *, definition: ProcessDefinition) -> bytes:
    """The Camunda Form file of the definition's start event (`deployed-start-form`); NotFound if none."""
    with ctx.unit_of_work(write=False) as uow:
        start = drawn_forms.start_event_of(uow.session, definition)
        drawn = drawn_forms.for_task(uow.session, definition.id, definition.key, start, None) \
            if start else None
        if drawn is None or drawn.resource is None:
            raise NotFound(f"流程没有已部署的启动表单 / Process definition '{definition.id}' has no deployed "
                           "start form")
        return drawn.resource.content


def _may_see(deployment_id: str, actor: Actor) -> None:
    if not may_see_deployments(actor):
        raise NotFound(f"部署不存在 / Deployment with id '{deployment_id}' does not exist")


def start_form_data(ctx: Context, *, definition: ProcessDefinition, data: dict[str, Any]) -> dict[str, Any]:
    """`data` checked against the start event's form (Camunda Form, generated or built-in), as task
    completion checks a task's; unchanged when the start event has none. Raises InvalidInput listing
    every field error."""
    with ctx.unit_of_work(write=False) as uow:
        start = drawn_forms.start_event_of(uow.session, definition)
        if start is None:
            return data
        drawn = drawn_forms.for_task(uow.session, definition.id, definition.key, start, None)
    clean, errors = drawn_forms.validate(drawn, data)
    if errors:
        raise InvalidInput("表单校验未通过 / The form has errors", errors)
    return clean
