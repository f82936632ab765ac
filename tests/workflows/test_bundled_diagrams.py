"""The shipped diagrams open in Camunda Modeler with every element drawn, and compile in our engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from forms.registry import FORMS
from workflows.engine import Engine
from workflows.errors import DiagramInvalid
from workflows.extensions import Extensions

BPMN_DIR = Path(__file__).resolve().parents[2] / "workflows" / "bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
DRAWN = {
    "userTask",
    "serviceTask",
    "scriptTask",
    "callActivity",
    "subProcess",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "inclusiveGateway",
    "lane",
    "participant",
    "sequenceFlow",
    "messageFlow",
    "task",
}
FILES = sorted(BPMN_DIR.glob("*.bpmn"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_element_is_drawn_for_camunda_modeler(path: Path):
    root = etree.parse(str(path)).getroot()
    placed = {el.get("bpmnElement") for el in root.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge")}
    missing = [
        el.get("id")
        for el in root.iter()
        if isinstance(el.tag, str)
        and el.tag.startswith(f"{{{BPMN}}}")
        and el.tag.split("}")[1] in DRAWN
        and el.get("id") not in placed
    ]
    assert missing == []
    assert root.get("{http://camunda.org/schema/modeler/1.0}executionPlatform") == "Camunda Platform"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_user_task_names_its_form_and_candidates(path: Path):
    root = etree.parse(str(path)).getroot()
    for task in root.iter(f"{{{BPMN}}}userTask"):
        assert task.get(f"{{{CAMUNDA}}}formKey") in FORMS, task.get("id")
        assert task.get(f"{{{CAMUNDA}}}candidateGroups") or task.get(f"{{{CAMUNDA}}}assignee"), task.get("id")


def test_the_bundled_diagrams_compile_together():
    """With the names the consortium domain registers (the diagrams declare its task listeners)."""
    from service.consortium.domain_plugin import register

    extensions = Extensions()
    register(extensions)
    compiled = Engine(extensions=extensions).compile({p.name: p.read_bytes() for p in FILES})
    assert {"consortium_recommendation", "expert_review"} <= set(compiled)


def test_without_the_domain_the_bundled_diagrams_are_refused_naming_the_listener():
    with pytest.raises(DiagramInvalid) as refused:
        Engine().compile({p.name: p.read_bytes() for p in FILES})
    assert "roundWindowCheck" in str(refused.value)
