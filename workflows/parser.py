"""CamundaParser that also reads the Camunda attributes SpiffWorkflow ignores.

SpiffWorkflow's Camunda parser drops assignee, candidate groups/users, due and follow-up dates,
priority, external-task topics and input parameters (SPIFF-NOTES §1.2). Our worklist, scoping and
service-task dispatch need them, so they go into `task_spec.extensions` (which SpiffWorkflow
serializes with the spec) under their Camunda names, e.g. `extensions['camunda:assignee']`.
`camunda:properties` keep their plain names (SpiffWorkflow's own behaviour). Call activities keep
their `camunda:in`/`camunda:out` mappings and binding (`workflows.call_activity`); business-rule
tasks their decision reference (`workflows.decision_task`).

Multi-instance activities get our `workflows.multiinstance` spec classes, which keep no run-time
state on the spec (SpiffWorkflow's Camunda MI writes onto it while running; specs are shared
through the serializer's cache, issue 11), and timer events our `workflows.timer_events`
definitions, which bound every date, duration and cycle (issue 11).

The parser also keeps each file's lxml tree, so errors without a line number can be traced back to
the element's `sourceline` (SPIFF-NOTES §8.1.4).
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.data_spec import TaskDataReference
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP
from SpiffWorkflow.camunda.parser.task_spec import (
    CAMUNDA_MODEL_NS,
    CallActivityParser,
    CamundaTaskParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.specs.user_task import UserTask

from .call_activity import MappedCallActivity, parse_mappings
from .decision_task import DecisionTableTask, decision_attributes
from .messages import MessageParser
from .multiinstance import ParallelMultiInstanceTask, SequentialMultiInstanceTask
from .pass_through import PASS_THROUGH
from .timer_events import bounded

USER_TASK_ATTRIBUTES = (
    "assignee", "candidateGroups", "candidateUsers", "dueDate", "followUpDate", "priority",
)
CALL_ACTIVITY_ATTRIBUTES = ("calledElementBinding", "calledElementVersion", "calledElementVersionTag")
SERVICE_TASK_ATTRIBUTES = ("type", "topic", "class", "expression", "delegateExpression", "taskPriority")

_C = "{" + CAMUNDA_MODEL_NS + "}"


def _camunda_attributes(node: etree._Element, names: tuple[str, ...]) -> dict[str, str]:
    return {f"camunda:{n}": node.get(_C + n) for n in names if node.get(_C + n) is not None}


def _parameter_value(param: etree._Element) -> Any:
    """Value of a camunda:inputParameter: text, or a camunda:list / camunda:map of texts."""
    for child in param:
        if child.tag == _C + "list":
            return [value.text or "" for value in child if value.tag == _C + "value"]
        if child.tag == _C + "map":
            return {entry.get("key"): entry.text or "" for entry in child if entry.tag == _C + "entry"}
        if child.tag == _C + "script":
            return {"script": child.text or "", "scriptFormat": child.get("scriptFormat")}
    return param.text or ""


def _input_output(node: etree._Element) -> dict[str, dict[str, Any]] | None:
    found = node.xpath("./bpmn:extensionElements/camunda:inputOutput", namespaces=NSMAP)
    if not found:
        return None
    io = found[0]
    return {
        "inputs": {p.get("name"): _parameter_value(p) for p in io if p.tag == _C + "inputParameter"},
        "outputs": {p.get("name"): _parameter_value(p) for p in io if p.tag == _C + "outputParameter"},
    }


class FixedMultiInstanceParser(CamundaTaskParser):
    """`CamundaTaskParser._add_multiinstance_task` with our MI spec classes (it hard-codes its own).

    Same reading of the XML as SpiffWorkflow 3.2 (`camunda/parser/task_spec.py`): `camunda:collection`,
    `camunda:elementVariable`, `loopCardinality`, `completionCondition`, `isSequential`.
    """

    def _add_multiinstance_task(self, loop_characteristics: etree._Element) -> None:
        prefix = "bpmn:multiInstanceLoopCharacteristics"
        cardinality_nodes = self.xpath(f"./{prefix}/bpmn:loopCardinality")
        cardinality = cardinality_nodes[0].text if len(cardinality_nodes) > 0 else None
        collection = self.attribute("collection", "camunda", loop_characteristics)
        if cardinality is None and collection is None:
            self.raise_validation_exception("A multiinstance task must specify a cardinality or a collection")
        element_var = self.attribute("elementVariable", "camunda", loop_characteristics)
        condition_nodes = self.xpath(f"./{prefix}/bpmn:completionCondition")
        condition = condition_nodes[0].text if len(condition_nodes) > 0 else None
        original = self.spec.task_specs.pop(self.task.name)
        params = {
            "task_spec": "",
            "cardinality": cardinality,
            "data_output": TaskDataReference(collection) if collection is not None else None,
            "output_item": TaskDataReference(element_var) if element_var is not None else None,
            "condition": condition,
        }
        sequential = loop_characteristics.get("isSequential") == "true"
        spec_class = SequentialMultiInstanceTask if sequential else ParallelMultiInstanceTask
        self.task = spec_class(self.spec, original.name, **params)
        self._copy_task_attrs(original, loop_characteristics)


class BoundedTimerParser:
    """Mixin for event parsers: timer definitions become `workflows.timer_events` ones."""

    def parse_timer_event(self, event: etree._Element) -> Any:
        node = self.node  # type: ignore[attr-defined]
        process_start = (etree.QName(node).localname == "startEvent"
                         and etree.QName(node.getparent()).localname == "process")
        return bounded(super().parse_timer_event(event), process_start=process_start)  # type: ignore[misc]


def _ours(parser_class: type) -> type:
    """The parser class with our MI handling (Camunda task parsers; SpiffWorkflow's base parser uses
    its own, non-mutating MI classes), our timer definitions and our message definitions (event
    parsers, the receive task's: `workflows.messages`)."""
    mixins: list[type] = []
    if issubclass(parser_class, CamundaTaskParser) and not issubclass(parser_class, FixedMultiInstanceParser):
        mixins.append(FixedMultiInstanceParser)
    if hasattr(parser_class, "parse_timer_event") and not issubclass(parser_class, BoundedTimerParser):
        mixins.append(BoundedTimerParser)
    if hasattr(parser_class, "parse_message_event") and not issubclass(parser_class, MessageParser):
        mixins.append(MessageParser)
    return type(parser_class.__name__, (*mixins, parser_class), {}) if mixins else parser_class


def _override_classes() -> dict[str, tuple[type, type]]:
    stock = {**CamundaParser.PARSER_CLASSES, **CamundaParser.OVERRIDE_PARSER_CLASSES}
    return {tag: (_ours(parser), spec) for tag, (parser, spec) in stock.items()
            if tag in CamundaParser.OVERRIDE_PARSER_CLASSES or _ours(parser) is not parser}


class ConsortiumUserTaskParser(FixedMultiInstanceParser, UserTaskParser):
    """User task parser adding assignment, dates, priority and inputOutput to the extensions."""

    def parse_extensions(self, node: etree._Element | None = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        extensions.update(_camunda_attributes(self.node, USER_TASK_ATTRIBUTES))
        io = _input_output(self.node)
        if io is not None:
            extensions["camunda:inputOutput"] = io
        return extensions


class ConsortiumServiceTaskParser(FixedMultiInstanceParser):
    """Service task parser keeping the external-task topic and input parameters."""

    def parse_extensions(self, node: etree._Element | None = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        extensions.update(_camunda_attributes(self.node, SERVICE_TASK_ATTRIBUTES))
        io = _input_output(self.node)
        if io is not None:
            extensions["camunda:inputOutput"] = io
        return extensions


class ConsortiumCallActivityParser(FixedMultiInstanceParser, CallActivityParser):
    """Call activity parser keeping `camunda:in`/`camunda:out` and the binding attributes."""

    def parse_extensions(self, node: etree._Element | None = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        extensions.update(parse_mappings(self.node))
        extensions.update(_camunda_attributes(self.node, CALL_ACTIVITY_ATTRIBUTES))
        io = _input_output(self.node)
        if io is not None:
            extensions["camunda:inputOutput"] = io
        return extensions


class ConsortiumBusinessRuleTaskParser(FixedMultiInstanceParser):
    """Business-rule task parser keeping `camunda:decisionRef`, its binding, version, result variable and
    mapping (`workflows.decision_task`); SpiffWorkflow's would look the decision up in DMN files parsed
    with the diagram and evaluate its cells as Python (SPIFF-NOTES §7)."""

    def parse_extensions(self, node: etree._Element | None = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        extensions.update(decision_attributes(self.node))
        return extensions

    @staticmethod
    def get_decision_ref(node: etree._Element) -> str:
        """The decision key (SpiffWorkflow's dependency listing calls this; a missing one is lint's)."""
        return node.get(_C + "decisionRef") or ""


_START_EVENT = full_tag("startEvent")
_STOCK = _override_classes()


class InitiatorStartEventParser(_STOCK[_START_EVENT][0]):  # type: ignore[misc,valid-type]
    """Start event parser keeping `camunda:initiator`: the variable that holds the starting user's id
    (Camunda user guide, "Start Events / Initiator"), set by `Engine.start`."""

    def parse_extensions(self, node: etree._Element | None = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        initiator = (self.node.get(_C + "initiator") or "").strip()
        if initiator:
            extensions["camunda:initiator"] = initiator
        return extensions


_PASS_THROUGH = {  # bpmn:task, bpmn:manualTask complete on their own (workflows/pass_through.py)
    tag: (_ours(parser), PASS_THROUGH[spec])
    for tag, (parser, spec) in CamundaParser.OVERRIDE_PARSER_CLASSES.items()
    if tag in (full_tag("task"), full_tag("manualTask"))
}


class ConsortiumParser(CamundaParser):
    """The parser every deployment uses; remembers each file's tree for line lookups."""

    OVERRIDE_PARSER_CLASSES = {
        **_STOCK,
        _START_EVENT: (InitiatorStartEventParser, _STOCK[_START_EVENT][1]),
        **_PASS_THROUGH,
        full_tag("userTask"): (ConsortiumUserTaskParser, UserTask),
        full_tag("serviceTask"): (ConsortiumServiceTaskParser, ServiceTask),
        full_tag("callActivity"): (ConsortiumCallActivityParser, MappedCallActivity),
        full_tag("businessRuleTask"): (ConsortiumBusinessRuleTaskParser, DecisionTableTask),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents: dict[str, etree._ElementTree] = {}

    def add_bpmn_xml(self, bpmn: Any, filename: str | None = None) -> None:
        tree = bpmn.getroottree() if hasattr(bpmn, "getroottree") else bpmn
        if filename is not None:
            self.documents[filename] = tree
        super().add_bpmn_xml(bpmn, filename)

    def sourceline(self, filename: str, element_id: str | None) -> int | None:
        """Line of the element with this id in the file, if both are known."""
        tree = self.documents.get(filename)
        if tree is None or not element_id:
            return None
        found = tree.xpath("//*[@id=$id]", id=element_id)
        return found[0].sourceline if found else None
