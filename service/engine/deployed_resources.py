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
from .typed_variables import TypedVariables


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


FIELD_TYPES = {"long": "Long", "date": "Date"}
"""Generated form field types whose Camunda type JSON would not tell (the others read from the value)."""


def task_form_variables(
    ctx: Context, *, task_id: str, actor: Actor, values: TypedVariables
) -> TypedVariables:
    """Camunda's `GET /task/{id}/form-variables` (GetTaskFormVariablesCmd): the task's generated form
    fields first, each with its variable's value or else the field's default value, typed as the field
    declares; then the task's other variables (`values`, as `tasks.task_variables` reads them). A task
    without a generated form: `values` unchanged. NotFound for a task the caller may not see."""
    with ctx.unit_of_work(write=False) as uow:
        task = tasks.get_visible(uow.session, task_id, actor)
        row = instances.get_visible(uow.session, task.instance_id, actor)
        try:
            drawn = drawn_forms.for_task(uow.session, row.definition_id, task.process_key, task.element_id,
                                         task.form_key)
        except InvalidInput:  # a formRef to a form nobody deployed: no fields to show
            return values
    return _with_fields(drawn, values)


def start_form_variables(ctx: Context, *, definition: ProcessDefinition) -> TypedVariables:
    """Camunda's `GET /process-definition/{id}/form-variables`: the start event's generated form fields
    with their default values, typed as declared; empty without one."""
    with ctx.unit_of_work(write=False) as uow:
        start = drawn_forms.start_event_of(uow.session, definition)
        try:
            drawn = drawn_forms.for_task(uow.session, definition.id, definition.key, start, None) \
                if start else None
        except InvalidInput:
            drawn = None
    return _with_fields(drawn, TypedVariables({})) if drawn else TypedVariables({})


def _with_fields(drawn: drawn_forms.DrawnForm, values: TypedVariables) -> TypedVariables:
    if drawn.kind != "generated":
        return values
    out: dict[str, Any] = {}
    types = dict(values.types)
    for rule in drawn.rules:
        declared = rule.extra.get("camunda_type")
        out[rule.key] = values[rule.key] if rule.key in values else _default(declared, rule.default)
        if declared in FIELD_TYPES and out[rule.key] is not None:
            types[rule.key] = FIELD_TYPES[declared]
    out.update({name: value for name, value in values.items() if name not in out})
    return TypedVariables(out, types)


def _default(declared: str | None, text: str | None) -> Any:
    """A formField's `defaultValue` as its type reads it (Camunda converts it with the form type)."""
    if text is None:
        return None
    if declared == "long":
        try:
            return int(text)
        except ValueError:
            return text
    if declared == "boolean":
        return text.strip().lower() == "true"
    return text


def _may_see(deployment_id: str, actor: Actor) -> None:
    if not may_see_deployments(actor):
        raise NotFound(f"部署不存在 / Deployment with id '{deployment_id}' does not exist")


def start_form_data(ctx: Context, *, definition: ProcessDefinition, data: dict[str, Any]) -> dict[str, Any]:
    """`data` checked against the start event's form (Camunda Form, generated or built-in), as task
    completion checks a task's, a generated form's fields left out taking their `defaultValue` (the
    start form is submitted: `submit-form`); unchanged when the start event has none. Raises
    InvalidInput listing every field error."""
    with ctx.unit_of_work(write=False) as uow:
        start = drawn_forms.start_event_of(uow.session, definition)
        if start is None:
            return data
        drawn = drawn_forms.for_task(uow.session, definition.id, definition.key, start, None)
    clean, errors = drawn_forms.validate(drawn, data)
    if errors:
        raise InvalidInput("表单校验未通过 / The form has errors", errors)
    return drawn_forms.with_defaults(drawn, data, clean)  # a submitted form: defaults for fields left out
