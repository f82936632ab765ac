"""Named queries and projection writes on `message_subscription` (issue 12 fault 10)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from workflows.data import json_safe
from workflows.engine import Instance as RunningInstance

from ...errors import InvalidInput
from .message_models import MessageSubscription
from .models import ProcessDefinition, ProcessInstance

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def sync(session: Session, row: ProcessInstance, running: RunningInstance, now: datetime) -> None:
    """Rewrite the instance's subscriptions from its state: elements that started waiting appear,
    those the instance moved past (or cancelled) disappear."""
    existing = {s.id: s for s in session.scalars(
        sa.select(MessageSubscription).where(MessageSubscription.instance_id == row.id))}
    waiting = {} if running.completed else {
        f"{s.task_id}:{s.message_name}": s for s in running.message_subscriptions()}
    for key in existing.keys() - waiting.keys():
        session.delete(existing[key])
    for key in waiting.keys() - existing.keys():
        found = waiting[key]
        session.add(MessageSubscription(
            id=key, message_name=found.message_name, definition_id=row.definition_id,
            definition_key=row.definition_key, instance_id=row.id, task_id=found.task_id,
            element_id=found.element_id, created_at=now))


def start_events(content: bytes, key: str) -> list[tuple[str, str]]:
    """(element id, message name) of the message start events of process `key` in a BPMN document."""
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    names = {m.get("id"): m.get("name") for m in root.iter(f"{{{BPMN}}}message")}
    found = []
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") != key:
            continue
        for start in process.findall(f"{{{BPMN}}}startEvent"):
            for definition in start.findall(f"{{{BPMN}}}messageEventDefinition"):
                name = names.get(definition.get("messageRef"))
                if name:
                    found.append((start.get("id"), name))
    return found


def record_start_events(session: Session, definition: ProcessDefinition, content: bytes,
                        now: datetime) -> None:
    """The new version of a key takes over the key's message start subscriptions (Camunda 7: those of
    the previous version are removed, also when the new one has none).

    Raises:
        InvalidInput: another process already starts on one of its messages (Camunda refuses the
            deployment: a message start event's name is unique among the deployed definitions).
    """
    found = start_events(content, definition.key)
    for element_id, name in found:
        other = session.scalars(sa.select(MessageSubscription).where(
            MessageSubscription.message_name == name, MessageSubscription.instance_id.is_(None),
            MessageSubscription.definition_key != definition.key)).first()
        if other is not None:
            message = (f"消息开始事件 {element_id} 的消息 {name!r} 已被流程 {other.definition_key} 使用 / "
                       f"{definition.key}/{element_id}: process {other.definition_key!r} already starts on "
                       f"message {name!r}; a message start event's name must be unique")
            raise InvalidInput(message, {"diagram": [message]})
    session.execute(sa.delete(MessageSubscription).where(
        MessageSubscription.definition_key == definition.key, MessageSubscription.instance_id.is_(None)))
    for element_id, name in found:
        session.add(MessageSubscription(
            id=f"{definition.id}:{name}", message_name=name, definition_id=definition.id,
            definition_key=definition.key, instance_id=None, task_id=None, element_id=element_id,
            created_at=now))
    session.flush()


def waiting_executions(session: Session, name: str, *, business_key: str | None, instance_id: str | None,
                       visible: Any) -> list[tuple[MessageSubscription, ProcessInstance]]:
    """Active (running, not suspended) instances' elements waiting for `name`, oldest first, restricted
    to `business_key` / `instance_id` when given and to what `visible` (a WHERE clause) lets through."""
    query = (sa.select(MessageSubscription, ProcessInstance)
             .join(ProcessInstance, ProcessInstance.id == MessageSubscription.instance_id)
             .where(MessageSubscription.message_name == name, ProcessInstance.status == "active",
                    ProcessInstance.suspended.is_(False), visible)
             .order_by(MessageSubscription.created_at, MessageSubscription.id))
    if business_key is not None:
        query = query.where(ProcessInstance.business_key == business_key)
    if instance_id is not None:
        query = query.where(ProcessInstance.id == instance_id)
    return [(s, r) for s, r in session.execute(query)]


def start_subscriptions(session: Session, name: str) -> list[tuple[MessageSubscription, ProcessDefinition]]:
    """The newest definitions (not suspended) whose message start event waits for `name`."""
    query = (sa.select(MessageSubscription, ProcessDefinition)
             .join(ProcessDefinition, ProcessDefinition.id == MessageSubscription.definition_id)
             .where(MessageSubscription.message_name == name, MessageSubscription.instance_id.is_(None),
                    ProcessDefinition.suspended.is_(False)))
    return [(s, d) for s, d in session.execute(query)]


def matches(row: ProcessInstance, correlation_keys: dict[str, Any]) -> bool:
    """True when every correlation key equals the instance's process variable of that name (as stored)."""
    if not correlation_keys:
        return True
    variables = json.loads(row.variables_json or "{}")
    for name, value in correlation_keys.items():
        if name not in variables:
            return False
        if variables[name] != json_safe(value):  # as `store.instances.save` stores it (dates: ISO)
            return False
    return True
