"""Report B, finding 11: a process variable named like an engine function changes no expression.

Camunda 7 keeps functions and variables apart: in `${add_days(now(), 3)}` the JUEL function mapper
resolves the calls, the variable resolver only plain names. A variable `now` (an ordinary name for an
integrator) used to hide the function, so every later due date, condition or script calling `now()`
failed with "'str' object is not callable" and the instance was stuck.
"""

from __future__ import annotations

from datetime import timedelta

from tests.support.drawn import drawn
from workflows.engine import Engine

from .conftest import NOW, complete, start

BODY = """<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_First" camunda:assignee="clerk" />
    <bpmn:scriptTask id="Script_Stamp" scriptFormat="python">
      <bpmn:script>stamped = iso(add_days(now(), 1))
seen = now</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_Now" default="Flow_Other" />
    <bpmn:userTask id="Task_Due" camunda:assignee="clerk" camunda:dueDate="${add_days(now(), 3)}" />
    <bpmn:userTask id="Task_Other" camunda:assignee="clerk" />
    <bpmn:endEvent id="End_1" />
    <bpmn:endEvent id="End_2" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_First" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_First" targetRef="Script_Stamp" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Script_Stamp" targetRef="Gateway_Now" />
    <bpmn:sequenceFlow id="Flow_Due" sourceRef="Gateway_Now" targetRef="Task_Due">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${(now == 'a string'
        and add_days(now(), 1) != now())}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Other" sourceRef="Gateway_Now" targetRef="Task_Other" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Due" targetRef="End_1" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Task_Other" targetRef="End_2" />"""


def test_a_variable_named_now_changes_no_expression_calling_now(engine: Engine) -> None:
    process = engine.compile({"fn_names.bpmn": drawn("fn_names", BODY)})["fn_names"]
    instance = start(engine, process, {"now": "a string", "add_days": 7})
    complete(instance, "Task_First", {})
    [task] = instance.user_tasks()
    assert task.element_id == "Task_Due"  # the condition read the variable and called the functions
    assert task.due_at == NOW + timedelta(days=3)
    assert instance.variables["seen"] == "a string"  # a plain name still reads the variable
    assert instance.variables["stamped"].startswith((NOW + timedelta(days=1)).date().isoformat())
    assert instance.variables["now"] == "a string" and instance.variables["add_days"] == 7
