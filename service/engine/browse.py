"""Read-only use cases behind the engine-shaped APIs: deployments, definitions, instances and their state.

Definitions are readable by every signed-in user (they start processes and draw diagrams from them);
deployments only by process owners and administrators; instances only within the caller's scope, and
anything out of scope is reported as absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from ..actors import ADMIN, PROCESS_OWNER, Actor
from ..context import Context
from ..errors import NotFound
from . import extension_runtime as hooks
from .commands import restore
from .store import definitions, instance_query, instances
from .store.instance_query import InstanceQuery
from .store.models import Deployment, ProcessDefinition, ProcessInstance, Resource
from .typed_variables import TypedVariables, stored_types

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_ELEMENT_TYPES: dict[str, dict[str, str]] = {}  # definition id -> element id -> Camunda activityType


def may_see_deployments(actor: Actor) -> bool:
    return actor.has(PROCESS_OWNER, ADMIN)


def list_deployments(ctx: Context, *, actor: Actor) -> list[Deployment]:
    """Deployments, oldest first; empty for callers who may not see them (as if there were none)."""
    if not may_see_deployments(actor):
        return []
    with ctx.unit_of_work(write=False) as uow:
        return list(
            uow.session.scalars(sa.select(Deployment).order_by(Deployment.deployed_at, Deployment.id))
        )


def get_deployment(ctx: Context, *, deployment_id: str, actor: Actor) -> Deployment:
    if not may_see_deployments(actor):
        raise NotFound(f"部署不存在 / Deployment with id '{deployment_id}' does not exist")
    with ctx.unit_of_work(write=False) as uow:
        return definitions.get_deployment(uow.session, deployment_id)


def list_definitions(ctx: Context, *, latest_only: bool = False) -> list[ProcessDefinition]:
    with ctx.unit_of_work(write=False) as uow:
        return definitions.list_definitions(uow.session, latest_only=latest_only)


def get_definition(
    ctx: Context, *, definition_id: str | None = None, key: str | None = None
) -> ProcessDefinition:
    """By id, or the latest version of `key`. Raises NotFound."""
    with ctx.unit_of_work(write=False) as uow:
        if definition_id is not None:
            return definitions.get(uow.session, definition_id)
        return definitions.get_latest(uow.session, key or "")


def definition_xml(ctx: Context, definition: ProcessDefinition) -> bytes:
    """The BPMN file the definition was deployed from, byte for byte."""
    with ctx.unit_of_work(write=False) as uow:
        content = _resource(uow.session, definition)
    if content is None:
        raise NotFound(f"流程定义没有 BPMN 文件 / No BPMN resource for definition '{definition.id}'")
    return content


def called_elements(ctx: Context, definition: ProcessDefinition) -> dict[str, str]:
    """Call activity id -> the process key it calls (its `calledElement`), as the definition's own BPMN
    file declares them; {} when it has no file. Static keys only: a `${...}` callee is left out."""
    with ctx.unit_of_work(write=False) as uow:
        content = _resource(uow.session, definition)
    if not content:
        return {}
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    return {
        element.get("id"): element.get("calledElement")
        for element in root.iter(f"{{{BPMN}}}callActivity")
        if element.get("id") and element.get("calledElement") and "${" not in element.get("calledElement")
    }


def _resource(session: Session, definition: ProcessDefinition) -> bytes | None:
    return session.scalar(
        sa.select(Resource.content).where(
            Resource.deployment_id == definition.deployment_id, Resource.name == definition.resource_name
        )
    )


def list_instances(ctx: Context, *, actor: Actor, query: InstanceQuery) -> list[ProcessInstance]:
    with ctx.unit_of_work(write=False) as uow:
        return instance_query.list_instances(uow.session, actor, query)


def count_instances(ctx: Context, *, actor: Actor, query: InstanceQuery) -> int:
    with ctx.unit_of_work(write=False) as uow:
        return instance_query.count_instances(uow.session, actor, query)


def get_instance_row(ctx: Context, *, instance_id: str, actor: Actor) -> ProcessInstance:
    with ctx.unit_of_work(write=False) as uow:
        return instances.get_visible(uow.session, instance_id, actor)


def instance_variables(ctx: Context, *, instance_id: str, actor: Actor) -> TypedVariables:
    """The instance's variables the actor may read, with the Camunda types JSON does not tell."""
    with ctx.unit_of_work(write=False) as uow:
        row = instances.get_visible(uow.session, instance_id, actor)
        variables = json.loads(row.variables_json or "{}")
        visible = hooks.filter_variables(ctx.extensions, uow.session, row.id, actor, variables)
        return TypedVariables(visible, stored_types(row.variable_types_json))


def definition_names(ctx: Context, definition_ids: set[str]) -> dict[str, ProcessDefinition]:
    """Definitions by id, for decorating lists without a query per row."""
    if not definition_ids:
        return {}
    with ctx.unit_of_work(write=False) as uow:
        rows = uow.session.scalars(
            sa.select(ProcessDefinition).where(ProcessDefinition.id.in_(definition_ids))
        )
        return {d.id: d for d in rows}


def instance_definitions(ctx: Context, instance_ids: set[str]) -> dict[str, str]:
    """Instance id -> definition id (task lists show the definition each task runs in)."""
    if not instance_ids:
        return {}
    with ctx.unit_of_work(write=False) as uow:
        return instances.definition_ids(uow.session, instance_ids)


@dataclass(frozen=True)
class ActiveElement:
    element_id: str
    name: str | None
    process_key: str
    task_id: str
    activity_type: str


def active_elements(
    ctx: Context, *, instance_id: str, actor: Actor
) -> tuple[ProcessInstance, list[ActiveElement]]:
    """The elements an instance is in right now, with their BPMN types (Camunda's activity instances)."""
    with ctx.unit_of_work(write=False) as uow:
        row = instances.get_visible(uow.session, instance_id, actor)
        running = restore(ctx, uow.session, row)
        types = element_types(uow.session, row.definition_id)
    active = [
        ActiveElement(s.element_id, s.name, s.process_key, s.task_id,
                      element_type(types, s.process_key, s.element_id))
        for s in running.activity_states()
        if s.state == "active"
    ]
    return row, active


def element_types(session: Session, definition_id: str) -> dict[str, str]:
    """Element id -> Camunda activityType for a definition and the processes it calls (cached: immutable)."""
    if definition_id in _ELEMENT_TYPES:
        return _ELEMENT_TYPES[definition_id]
    definition = definitions.get(session, definition_id)
    contents = [c for c in [_resource(session, definition)] if c]
    contents += list(definitions.latest_resources(session).values())
    types: dict[str, str] = {}
    for content in reversed(contents):  # the definition's own file wins over the library
        types.update(_types_in(content))
    if len(_ELEMENT_TYPES) > 1_000:  # one per deployed definition version: bounded (issue 18)
        _ELEMENT_TYPES.clear()
    _ELEMENT_TYPES[definition_id] = types
    return types


def element_type(types: dict[str, str], process_key: str | None, element_id: str) -> str:
    """The Camunda activityType of `element_id` in process (or sub-process) `process_key` of the
    `element_types` map: another deployed diagram, or the caller, may use the same element id."""
    return types.get(f"{process_key}/{element_id}") or types.get(element_id, "activity")


def _types_in(content: bytes) -> dict[str, str]:
    """Element id -> type, and `<process or sub-process id>/<element id>` -> type (XML ids hold no "/")."""
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    types = {}
    for element in root.iter(f"{{{BPMN}}}*"):
        element_id = element.get("id")
        if element_id:
            types[element_id] = _camunda_type(element)
    for tag in ("process", "subProcess", "transaction"):
        for container in root.iter(f"{{{BPMN}}}{tag}"):
            for element in container.iter(f"{{{BPMN}}}*"):
                if element.get("id") and element is not container:
                    types[f"{container.get('id')}/{element.get('id')}"] = _camunda_type(element)
    return types


def _camunda_type(element) -> str:
    tag = etree.QName(element).localname
    definitions_in = {etree.QName(child).localname for child in element}
    if tag == "endEvent":
        return "messageEndEvent" if "messageEventDefinition" in definitions_in else "noneEndEvent"
    if tag == "intermediateCatchEvent":
        if "timerEventDefinition" in definitions_in:
            return "intermediateTimer"
        return (
            "intermediateMessageCatch"
            if "messageEventDefinition" in definitions_in
            else "intermediateCatchEvent"
        )
    if tag == "boundaryEvent":
        return "boundaryTimer" if "timerEventDefinition" in definitions_in else "boundaryEvent"
    return tag
