"""Issue 12, fault 3: multi-instance user tasks as Camunda 7 runs them, through /engine-rest.

Before: while the task after a parallel multi-instance was open, the instance's and that task's
variables showed the collection without the children's answers (sequential: without the last);
a `completionCondition` deployed, then every child completion answered 500 and the instance was stuck.
Camunda 7 (user guide, "Multiple Instance"): the body keeps `nrOfInstances`, `nrOfActiveInstances`,
`nrOfCompletedInstances`; each child has `loopCounter` and the element variable; when the
completion condition holds the remaining children are cancelled and the process goes on.
"""

from __future__ import annotations

import pytest

from .running import complete, deploy, get, open_tasks, start


def _mi(key: str, *, sequential: bool = False, condition: str | None = None) -> str:
    seq = ' isSequential="true"' if sequential else ""
    cond = (f'<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">{condition}'
            f'</bpmn:completionCondition>') if condition else ""
    return f"""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Confirm" name="确认" camunda:candidateGroups="city_clerk">
      <bpmn:multiInstanceLoopCharacteristics{seq} camunda:collection="members"
        camunda:elementVariable="member">{cond}</bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:userTask id="Task_After" name="汇总" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Confirm" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Confirm" targetRef="Task_After" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_After" targetRef="End_1" />"""


MEMBERS = {"members": {"type": "Json", "value": '[{"code": "A"}, {"code": "B"}, {"code": "C"}]'}}


def _values(server, path: str) -> dict:
    return {name: typed["value"] for name, typed in get(server, path).items()}


def _decision(value: str) -> dict:
    return {"decision": {"value": value, "type": "String"}}


def _codes_and_decisions(members) -> list[tuple[str, str | None]]:
    import json

    if isinstance(members, str):
        members = json.loads(members)
    return [(m["code"], m.get("decision")) for m in members]


@pytest.mark.parametrize("sequential", [False, True], ids=["parallel", "sequential"])
def test_variables_after_a_multi_instance_hold_every_answer(server, sequential):
    deploy(server, "mi_answers", _mi("mi_answers", sequential=sequential))
    instance = start(server, "mi_answers", MEMBERS)
    for done, answer in enumerate(("yes", "no", "yes")):
        tasks = [t for t in open_tasks(server, instance) if t["taskDefinitionKey"] == "Task_Confirm"]
        assert len(tasks) == (1 if sequential else 3 - done)
        child = get(server, f"/task/{tasks[0]['id']}/variables")
        assert "member" in child and "loopCounter" in child
        assert complete(server, tasks[0]["id"], _decision(answer)).status_code == 204
    (after,) = open_tasks(server, instance)
    assert after["taskDefinitionKey"] == "Task_After"
    for path in (f"/process-instance/{instance}/variables", f"/task/{after['id']}/variables"):
        variables = _values(server, path)
        answered = _codes_and_decisions(variables["members"])
        assert sorted(d for _, d in answered) == ["no", "yes", "yes"], path
        assert "member" not in variables and "loopCounter" not in variables, path


@pytest.mark.parametrize("condition", ["${nrOfCompletedInstances >= 2}", "nrOfCompletedInstances >= 2"],
                         ids=["camunda-el", "python"])
def test_completion_condition_cancels_the_remaining_children(server, condition):
    deploy(server, "mi_enough", _mi("mi_enough", condition=condition))
    instance = start(server, "mi_enough", MEMBERS)
    children = open_tasks(server, instance)
    assert len(children) == 3
    first = _values(server, f"/task/{children[0]['id']}/variables")
    assert first["nrOfInstances"] == 3 and first["nrOfActiveInstances"] == 3
    assert first["nrOfCompletedInstances"] == 0
    assert sorted(_values(server, f"/task/{c['id']}/variables")["loopCounter"] for c in children) == [0, 1, 2]

    assert complete(server, children[0]["id"], _decision("yes")).status_code == 204
    second = _values(server, f"/task/{children[1]['id']}/variables")
    assert second["nrOfCompletedInstances"] == 1 and second["nrOfActiveInstances"] == 2
    assert complete(server, children[1]["id"], _decision("yes")).status_code == 204

    (after,) = open_tasks(server, instance)
    assert after["taskDefinitionKey"] == "Task_After"
    variables = _values(server, f"/process-instance/{instance}/variables")
    assert not {"nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances"} & set(variables)
    history = {t["id"]: t for t in get(server, f"/history/task?processInstanceId={instance}")}
    assert history[children[2]["id"]]["deleteReason"] == "deleted"
    assert history[children[2]["id"]]["endTime"] is not None
    assert history[children[0]["id"]]["deleteReason"] == "completed"
    assert complete(server, after["id"]).status_code == 204
    (ended,) = get(server, f"/history/process-instance?processInstanceId={instance}")
    assert ended["state"] == "COMPLETED"
