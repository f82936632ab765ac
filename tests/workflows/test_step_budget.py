"""Issue 11: the engine's own work per command is bounded (workflows/budget.py).

A loop with no wait state used to run until SpiffWorkflow lost sight of tasks deeper than 1,000 and
counted the instance *completed* without reaching its end event; with slow scripts that took hours.
Each budget (steps, CPU) is shown to stop such a loop naming the element and the budget; a legitimate
loop still runs to its end event. Issue 12: the task tree is compacted while a loop runs
(workflows/prune.py), so an endless loop is stopped by the step budget, not by the tree's depth.
"""

from __future__ import annotations

import time

import pytest

from tests.support.loops import loop_diagram
from workflows import budget
from workflows.engine import Engine
from workflows.errors import StepBudgetExceeded

from .conftest import NOW

CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Defs_caller" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.31.0">
  <bpmn:process id="loop_caller" name="调用循环" isExecutable="true">
    <bpmn:startEvent id="Start_Caller"><bpmn:outgoing>Flow_C1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_C1" sourceRef="Start_Caller" targetRef="Call_Loop" />
    <bpmn:callActivity id="Call_Loop" name="调用" calledElement="called_loop">
      <bpmn:extensionElements><camunda:in variables="all" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_C1</bpmn:incoming><bpmn:outgoing>Flow_C2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:sequenceFlow id="Flow_C2" sourceRef="Call_Loop" targetRef="End_Caller" />
    <bpmn:endEvent id="End_Caller"><bpmn:incoming>Flow_C2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_caller">
    <bpmndi:BPMNPlane id="Plane_caller" bpmnElement="loop_caller">
      <bpmndi:BPMNShape id="Start_Caller_di" bpmnElement="Start_Caller">
        <dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Call_Loop_di" bpmnElement="Call_Loop">
        <dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_Caller_di" bpmnElement="End_Caller">
        <dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_C1_di" bpmnElement="Flow_C1">
        <di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_C2_di" bpmnElement="Flow_C2">
        <di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
""".encode()

ENDLESS = {"n": 0, "limit": 10**9}


def _start(engine: Engine, key: str, variables: dict, body: str = "script", entry: str = "script"):
    compiled = engine.compile({f"{key}.bpmn": loop_diagram(key, entry=entry, body=body)})[key]
    return engine.start(compiled.spec_json, cache_key=f"budget-{key}", variables=variables, now=NOW)


def test_an_endless_script_loop_stops_at_the_step_budget_naming_the_element(engine):
    instance = _start(engine, "endless_script", ENDLESS)
    started = time.thread_time()
    with pytest.raises(StepBudgetExceeded) as stopped:
        instance.advance({}, NOW)
    assert time.thread_time() - started < budget.MAX_ENGINE_CPU_SECONDS + 1
    assert stopped.value.element_id in ("Script_Loop", "Gateway_Loop")
    message = str(stopped.value)
    assert ("MAX_ENGINE_STEPS" in message and "引擎步骤超出上限" in message) \
        or ("MAX_ENGINE_CPU_SECONDS" in message and "引擎计算时间超出上限" in message), message
    assert not instance.completed  # before: "completed" at depth 1,000 without reaching End_Loop


def test_a_ring_of_gateways_without_scripts_is_stopped_too(engine):
    instance = _start(engine, "endless_ring", ENDLESS, body="gateway")
    with pytest.raises(StepBudgetExceeded) as stopped:
        instance.advance({}, NOW)
    assert stopped.value.element_id in ("Gateway_Back", "Gateway_Loop")


def test_the_step_count_budget_names_its_constant(engine, monkeypatch):
    monkeypatch.setattr(budget, "MAX_ENGINE_STEPS", 50)
    instance = _start(engine, "step_count", ENDLESS)
    with pytest.raises(StepBudgetExceeded) as stopped:
        instance.advance({}, NOW)
    assert stopped.value.steps == 50
    assert "MAX_ENGINE_STEPS" in str(stopped.value) and "引擎步骤超出上限 50" in str(stopped.value)


def test_the_cpu_budget_names_its_constant(engine, monkeypatch):
    monkeypatch.setattr(budget, "MAX_ENGINE_CPU_SECONDS", 0.05)
    instance = _start(engine, "cpu_time", ENDLESS)
    with pytest.raises(StepBudgetExceeded) as stopped:
        instance.advance({}, NOW)
    assert "MAX_ENGINE_CPU_SECONDS" in str(stopped.value) and stopped.value.cpu_seconds >= 0.05


def test_the_budget_is_per_command_and_covers_a_task_completion(engine, monkeypatch):
    monkeypatch.setattr(budget, "MAX_ENGINE_STEPS", 50)
    instance = _start(engine, "per_command", {"n": 0, "limit": 20}, entry="task")
    instance.advance({}, NOW)
    [task] = instance.user_tasks()
    instance.complete_task(task.task_id, {}, {}, NOW)  # 20 passes, about 45 steps: within 50
    assert instance.completed and instance.end_element_id == "End_Loop"
    again = _start(engine, "per_command", {"n": 0, "limit": 40}, entry="task")
    again.advance({}, NOW)
    with pytest.raises(StepBudgetExceeded):
        again.complete_task(again.user_tasks()[0].task_id, {}, {}, NOW)


def test_a_loop_inside_a_call_activity_is_stopped_naming_the_called_element(engine):
    library = {"called.bpmn": loop_diagram("called_loop")}
    engine.compile(library)
    compiled = engine.compile({"caller.bpmn": CALLER}, library=library)["loop_caller"]
    instance = engine.start(compiled.spec_json, cache_key="budget-caller", variables=ENDLESS, now=NOW)
    with pytest.raises(StepBudgetExceeded) as stopped:
        instance.advance({}, NOW)
    assert stopped.value.process_key == "called_loop"
    assert stopped.value.element_id in ("Script_Loop", "Gateway_Loop")


def test_a_legitimate_loop_of_200_passes_reaches_its_end_event(engine):
    instance = _start(engine, "two_hundred", {"n": 0, "limit": 200})
    instance.advance({}, NOW)
    assert instance.completed and instance.end_element_id == "End_Loop"
    assert instance.variables["n"] == 200
