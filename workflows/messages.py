"""Message events as Camunda 7 runs them, on SpiffWorkflow 3.2 (issue 12, fault 10).

SpiffWorkflow's Camunda message definition stores a caught message's payload under a result variable
(`<element id>_Response` when none is declared, SPIFF-NOTES §2.5); Camunda 7 sets the correlation's
`processVariables` on the process instance and adds nothing else. `MessageEventDefinition` here keeps
SpiffWorkflow's protocol and its class name (so stored specs, whose typename is the class name,
restore into it) but merges a dict payload into the data when no `camunda:resultVariable` is declared.

Receive tasks are parsed by SpiffWorkflow's base BPMN parser with the base message definition, which
neither matches a Camunda message nor serializes in the Camunda configuration (SPIFF-NOTES §10.5);
`MessageParser` gives every event parser (and the receive task's) this definition.

A non-interrupting message boundary event fires once per activity instance in SpiffWorkflow; in
Camunda its subscription stays while the activity is active, so every correlated message starts its
path again. `rearm` adds a fresh waiting boundary task under the activity's split after each firing.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as BaseMessage
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessage
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState


class MessageEventDefinition(CamundaMessage):
    """A Camunda message: the payload (the correlation's process variables, a dict) becomes variables;
    a declared `camunda:resultVariable` still receives the whole payload (SpiffWorkflow's reading)."""

    def update_internal_data(self, my_task: Task, event: Any) -> None:
        my_task.internal_data[self.name] = event.payload

    def update_task_data(self, my_task: Task) -> None:
        event_data = my_task.internal_data.get(self.name) or {}
        payload = event_data.get("payload")
        result_var = event_data.get("result_var") or self.result_var
        if result_var:
            my_task.data[result_var] = payload
        elif isinstance(payload, dict):
            my_task.data.update(payload)


def ours(definition: Any) -> Any:
    """`definition` as our MessageEventDefinition when it is a (base or Camunda) message definition."""
    if isinstance(definition, MessageEventDefinition) or not isinstance(definition, BaseMessage):
        return definition
    converted = MessageEventDefinition(
        definition.name, definition.correlation_properties, getattr(definition, "expression", None),
        getattr(definition, "result_var", None))
    converted.description = getattr(definition, "description", None)
    return converted


class MessageParser:
    """Mixin for event parsers (and the receive task's): message definitions become ours."""

    def parse_message_event(self, message_event: Any) -> Any:
        return ours(super().parse_message_event(message_event))  # type: ignore[misc]


def names(definition: Any) -> list[str]:
    """The message names an event definition (a gateway's multiple one included) waits for."""
    if isinstance(definition, MultipleEventDefinition):
        return [d.name for d in definition.event_definitions if isinstance(d, BaseMessage)]
    return [definition.name] if isinstance(definition, BaseMessage) else []


def waiting_for(task: Task) -> list[str]:
    """Message names a WAITING task subscribes to (catch event, receive task, boundary, gateway, start)."""
    if task.state != TaskState.WAITING:
        return []
    return names(getattr(task.task_spec, "event_definition", None))


def rearm(fired: Task) -> Task | None:
    """After a non-interrupting message boundary event `fired` caught its message, a new waiting copy
    under the same split while the activity is still active (Camunda keeps the subscription)."""
    spec = fired.task_spec
    if not isinstance(spec, BoundaryEvent) or spec.cancel_activity or fired.state == TaskState.WAITING:
        return None
    split = fired.parent
    if split is None:
        return None
    main = [t for t in split.children if not isinstance(t.task_spec, BoundaryEvent)]
    if not main or main[0].has_state(TaskState.FINISHED_MASK):
        return None
    if any(t.task_spec is spec and t.state == TaskState.WAITING for t in split.children):
        return None
    fresh = split._add_child(spec, TaskState.WAITING)
    spec._predict(fresh, mask=TaskState.NOT_FINISHED_MASK)  # its path, as SpiffWorkflow predicts it
    spec._update(fresh)
    return fresh
