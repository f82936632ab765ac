"""Element ids SpiffWorkflow uses for its own task specs (`Start`, `End`, ...), usable in diagrams.

SpiffWorkflow names the internal specs of every process `Start`, `End`, `Root`, `StartEventSplit` and
`StartEventJoin`; an element with such an id was merged with them (so deploy refused it, hbreak fault
12), although `Start` and `End` are common in hand-written diagrams and Camunda 7 accepts them. Here the
parser sees such an element under a private id (`rename`, before parsing), and once the specs are built
their `bpmn_id` is set back to the id of the XML (`restore`), which is what every output reads
(tasks, activity instances, history, jobs, incidents). The spec's *name* keeps the private id; the
serializer stores both (SpiffWorkflow keeps `bpmn_id` apart from the name when they differ).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from lxml import etree

from .errors import DiagramProblem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
RESERVED = ("Start", "End", "Root", "StartEventSplit", "StartEventJoin")
PRIVATE = {name: f"{name}__bpmn_element" for name in RESERVED}
ORIGINAL = {private: name for name, private in PRIVATE.items()}
_FLOW_NODES = {
    "task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
    "manualTask", "callActivity", "subProcess", "transaction", "adHocSubProcess", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway", "startEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "endEvent", "boundaryEvent",
}
_REFERENCES = ("sourceRef", "targetRef", "attachedToRef", "default", "activityRef", "bpmnElement")


def rename(root: etree._Element) -> bool:
    """Give flow nodes with a reserved id their private id, and rewrite the references to them in the
    same document (sequence flows, boundary events, compensation, DI). True if any was renamed."""
    renamed = set()
    for node in root.iter(f"{{{BPMN}}}*"):
        if node.get("id") in PRIVATE and etree.QName(node).localname in _FLOW_NODES:
            renamed.add(node.get("id"))
            node.set("id", PRIVATE[node.get("id")])
    if not renamed:
        return False
    for node in root.iter():
        if isinstance(node.tag, str):
            for attribute in _REFERENCES:
                if node.get(attribute) in renamed:
                    node.set(attribute, PRIVATE[node.get(attribute)])
    return True


def restore(specs: Iterable[Any]) -> None:
    """Set `bpmn_id` of every task spec parsed under a private id back to the element's own id."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            original = ORIGINAL.get(getattr(task_spec, "bpmn_id", None) or "")
            if original is not None:
                task_spec.bpmn_id = original


def original(problems: Iterable[DiagramProblem]) -> list[DiagramProblem]:
    """`problems` with private ids replaced by the element ids of the XML."""
    return [replace(p, element_id=ORIGINAL.get(p.element_id or "", p.element_id),
                    message=_text(p.message)) for p in problems]


def _text(message: str, names: Mapping[str, str] = ORIGINAL) -> str:
    for private, name in names.items():
        message = message.replace(private, name)
    return message
