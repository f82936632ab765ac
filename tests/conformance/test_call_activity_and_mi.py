"""Issue 12, faults 3 and 4 on the engine: a multi-instance call activity maps each element into its
child (`camunda:in source="member"`, `loopCounter`), only the mapped answer comes back; a sequential
multi-instance stops at its completion condition."""

from __future__ import annotations

from uuid import UUID

from tests.support.drawn import drawn
from workflows.engine import Engine

from .conftest import NOW, start

CHILD = """<bpmn:startEvent id="Start_C" /><bpmn:userTask id="Task_C" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_C" />
    <bpmn:sequenceFlow id="Flow_C1" sourceRef="Start_C" targetRef="Task_C" />
    <bpmn:sequenceFlow id="Flow_C2" sourceRef="Task_C" targetRef="End_C" />"""

PARENT = """<bpmn:startEvent id="Start_P" />
    <bpmn:callActivity id="Call_Each" calledElement="mi_child">
      <bpmn:extensionElements>
        <camunda:in source="member" target="m" />
        <camunda:in source="loopCounter" target="i" />
        <camunda:out source="answer" target="last_answer" />
      </bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="members" camunda:elementVariable="member" />
    </bpmn:callActivity>
    <bpmn:userTask id="Task_After" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_P" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_P" targetRef="Call_Each" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Call_Each" targetRef="Task_After" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_After" targetRef="End_P" />"""

SEQUENTIAL = """<bpmn:startEvent id="Start_S" />
    <bpmn:userTask id="Task_Vote" camunda:candidateGroups="city_clerk">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true" camunda:collection="voters"
        camunda:elementVariable="voter">
        <bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${vote == "no"}</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="End_S" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_S" targetRef="Task_Vote" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Vote" targetRef="End_S" />"""


def test_a_multi_instance_call_activity_maps_each_element(engine: Engine) -> None:
    process = engine.compile({"mi_parent.bpmn": drawn("mi_parent", PARENT)},
                             library={"mi_child.bpmn": drawn("mi_child", CHILD)})["mi_parent"]
    instance = start(engine, process, {"members": ["a", "b"], "other": 1})
    children = instance.user_tasks()
    assert sorted((t.called_scope["m"], t.called_scope["i"]) for t in children) == [("a", 0), ("b", 1)]
    assert all(set(t.called_scope) == {"m", "i"} for t in children)
    for n, task in enumerate(children):
        instance.complete_task(task.task_id, {"answer": f"answer {n}", "noise": n}, {}, NOW)
    assert [t.element_id for t in instance.user_tasks()] == ["Task_After"]
    assert instance.variables == {"members": ["a", "b"], "other": 1, "last_answer": "answer 1"}


def test_a_sequential_multi_instance_stops_at_its_completion_condition(engine: Engine) -> None:
    process = engine.compile({"seq_vote.bpmn": drawn("seq_vote", SEQUENTIAL)})["seq_vote"]
    instance = start(engine, process, {"voters": ["a", "b", "c", "d"]})
    seen = []
    for vote in ("yes", "no"):
        (task,) = instance.user_tasks()
        data = instance.workflow.get_task_from_id(UUID(task.task_id)).data
        names = ("voter", "loopCounter", "nrOfInstances", "nrOfCompletedInstances", "nrOfActiveInstances")
        seen.append(tuple(data[n] for n in names))
        instance.complete_task(task.task_id, {"vote": vote}, {}, NOW)
    assert seen == [("a", 0, 4, 0, 1), ("b", 1, 4, 1, 1)]
    assert instance.completed and instance.end_element_id == "End_S"
    assert instance.variables["vote"] == "no"
    assert not {"voter", "loopCounter", "nrOfInstances"} & set(instance.variables)
