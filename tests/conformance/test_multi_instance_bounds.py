"""Report B, findings 7 and 8: what a multi-instance runs over is checked before any child exists.

* Camunda 7 (`MultiInstanceActivityBehavior`) requires the collection to be a `java.util.Collection`: a
  map, `null`, a number or a string fails the command and nothing starts. SpiffWorkflow iterated a map's
  values (tasks assigned to the map's values) silently; a string or null failed without naming the element.
* A parallel expansion is one engine step, which the CPU budget cannot interrupt: 20,000 children took
  35 s of CPU and 6 GB. More than `MAX_INSTANCES` instances are refused before expanding, naming the
  element and the limit; and a child no longer inherits a copy of the body's data (the collection included),
  which made a wide expansion quadratic in time and memory.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.drawn import drawn
from workflows import multiinstance
from workflows.engine import Engine
from workflows.errors import ScriptFailed

from .conftest import NOW, start


def _user_task_mi(key: str, sequential: bool) -> bytes:
    flag = ' isSequential="true"' if sequential else ""
    return drawn(key, f"""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Review" camunda:assignee="${{reviewer}}">
      <bpmn:multiInstanceLoopCharacteristics{flag} camunda:collection="${{reviewers}}"
        camunda:elementVariable="reviewer" />
    </bpmn:userTask>
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="End_1" />""")


FAN_OUT = """<bpmn:startEvent id="Start_1" />
    <bpmn:subProcess id="Sub_Each">
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="${items}" camunda:elementVariable="item" />
      <bpmn:startEvent id="Start_2" />
      <bpmn:scriptTask id="Script_Double" scriptFormat="python">
        <bpmn:script>doubled = item * 2</bpmn:script></bpmn:scriptTask>
      <bpmn:userTask id="Task_Check" camunda:assignee="owner" />
      <bpmn:endEvent id="End_2" />
      <bpmn:sequenceFlow id="Flow_S1" sourceRef="Start_2" targetRef="Script_Double" />
      <bpmn:sequenceFlow id="Flow_S2" sourceRef="Script_Double" targetRef="Task_Check" />
      <bpmn:sequenceFlow id="Flow_S3" sourceRef="Task_Check" targetRef="End_2" />
    </bpmn:subProcess>
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Sub_Each" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Sub_Each" targetRef="End_1" />"""


@pytest.mark.parametrize("sequential", [False, True], ids=["parallel", "sequential"])
@pytest.mark.parametrize(("value", "kind"), [
    ({"owner": "u1", "admin": "u2"}, "a map (JSON object)"),
    (None, "null"),
    (5, "int"),
    ("u1,u2", "str"),
], ids=["map", "null", "integer", "string"])
def test_a_collection_that_is_not_a_list_fails_naming_the_element(
        engine: Engine, sequential: bool, value: Any, kind: str) -> None:
    key = f"mi_kind_{'seq' if sequential else 'par'}"
    process = engine.compile({f"{key}.bpmn": _user_task_mi(key, sequential)})[key]
    with pytest.raises(ScriptFailed) as caught:
        start(engine, process, {"reviewers": value})
    assert caught.value.element_id == "Task_Review"
    assert f"'reviewers' is {kind}, not a list" in str(caught.value)
    assert "Collection" in str(caught.value)


def test_a_missing_collection_fails_naming_the_element(engine: Engine) -> None:
    process = engine.compile({"mi_missing.bpmn": _user_task_mi("mi_missing", False)})["mi_missing"]
    with pytest.raises(ScriptFailed) as caught:
        start(engine, process, {})
    assert caught.value.element_id == "Task_Review"
    assert "'reviewers' does not exist" in str(caught.value)


def test_a_list_still_runs_one_instance_per_element(engine: Engine) -> None:
    process = engine.compile({"mi_list.bpmn": _user_task_mi("mi_list", False)})["mi_list"]
    instance = start(engine, process, {"reviewers": ["u1", "u2"]})
    assert sorted(t.assignee for t in instance.user_tasks()) == ["u1", "u2"]


def test_more_instances_than_the_limit_are_refused_before_any_child_exists(engine: Engine) -> None:
    process = engine.compile({"mi_fan_out.bpmn": drawn("mi_fan_out", FAN_OUT)})["mi_fan_out"]
    too_many = list(range(multiinstance.MAX_INSTANCES + 1))
    instance = engine.start(process.spec_json, cache_key="conformance:mi_fan_out",
                            variables={"items": too_many}, now=NOW)
    with pytest.raises(ScriptFailed) as caught:
        instance.advance({}, NOW)
    assert caught.value.element_id == "Sub_Each"
    assert f"more than the limit of {multiinstance.MAX_INSTANCES:,} instances" in str(caught.value)
    assert not instance.workflow.get_tasks(spec_name="Sub_Each [child]")  # refused before expanding


def test_the_limit_itself_runs_and_no_child_holds_a_copy_of_the_collection(engine: Engine) -> None:
    process = engine.compile({"mi_fan_out.bpmn": drawn("mi_fan_out", FAN_OUT)})["mi_fan_out"]
    items = list(range(multiinstance.MAX_INSTANCES))
    instance = start(engine, process, {"items": items})
    assert len(instance.user_tasks()) == multiinstance.MAX_INSTANCES
    children = instance.workflow.get_tasks(spec_name="Sub_Each [child]")
    assert len(children) == multiinstance.MAX_INSTANCES
    assert all("items" not in child.data for child in children)  # was n copies of n items
    assert sorted(child.data["item"] for child in children) == items
