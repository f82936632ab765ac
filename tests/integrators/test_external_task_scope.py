"""hbreak faults 2, 3 and 7: what fetchAndLock hands a worker is the task's own execution's.

2. A service task inside a called process: before, the worker got the caller's definition key and the
   caller's unmapped variables (`secret_parent`), not the `camunda:in`-mapped `person`, and a fetch
   filtered by the called key found nothing.
3. A multi-instance service task: before, neither the element variable nor `loopCounter` (nor the
   body's `nrOf...` counters) reached the worker; `localVariables: true` gave {}.
7. `camunda:taskPriority="${prio}"`: before, every task had priority 0.
"""

from __future__ import annotations

from tests.http.running import deploy, get, start
from tests.support.drawn import chain

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'
S = {"type": "String"}


def fetch(server, topic: str, **options) -> list[dict]:
    body = {"workerId": "w", "maxTasks": options.pop("max_tasks", 10),
            "usePriority": options.pop("use_priority", False),
            "topics": [{"topicName": topic, "lockDuration": 60_000, **options}]}
    response = server.client("owner").rest("POST", "/external-task/fetchAndLock", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _values(task: dict) -> dict:
    return {name: typed["value"] for name, typed in task["variables"].items()}


CHILD = chain('<bpmn:startEvent id="Start_Child" />',
              '<bpmn:serviceTask id="Ext_Child" name="子流程外部" camunda:type="external" '
              'camunda:topic="hb-child" />',
              '<bpmn:endEvent id="End_Child" />')
PARENT = chain(START,
               '<bpmn:callActivity id="Call_Child" name="调用" calledElement="hb_child">'
               '<bpmn:extensionElements><camunda:in source="applicant" target="person" />'
               '<camunda:out source="child_out" target="result" /></bpmn:extensionElements>'
               "</bpmn:callActivity>", AFTER, END)


def test_a_called_process_external_task_is_the_called_process_s(server):
    deploy(server, "hb_child", CHILD)
    deploy(server, "hb_parent", PARENT)
    iid = start(server, "hb_parent", {"applicant": {"value": "Li Lei", **S},
                                      "secret_parent": {"value": "x", **S}})
    assert fetch(server, "hb-child", processDefinitionKeyIn=["hb_parent"]) == []
    [task] = fetch(server, "hb-child", processDefinitionKey="hb_child")
    assert task["processDefinitionKey"] == "hb_child"
    assert task["processDefinitionId"] == get(server, "/process-definition/key/hb_child", "owner")["id"]
    assert _values(task) == {"person": "Li Lei"}
    done = server.client("owner").rest("POST", f"/external-task/{task['id']}/complete", json={
        "workerId": "w", "variables": {"child_out": {"value": "ok", **S}}})
    assert done.status_code == 204, done.text
    values = get(server, f"/process-instance/{iid}/variables", "owner")
    assert values["result"]["value"] == "ok" and "person" not in values


MI = ('<bpmn:serviceTask id="Ext_Review" name="评审" camunda:type="external" camunda:topic="hb-mi">'
      '<bpmn:multiInstanceLoopCharacteristics camunda:collection="reviewers" '
      'camunda:elementVariable="reviewer">'
      "<bpmn:completionCondition>${nrOfCompletedInstances &gt;= 2}</bpmn:completionCondition>"
      "</bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>")


def test_multi_instance_external_tasks_carry_their_element_and_counters(server):
    deploy(server, "hb_mi", chain(START, MI, AFTER, END))
    start(server, "hb_mi", {"reviewers": {"value": '["a", "b", "c"]', "type": "Json"}})
    tasks = fetch(server, "hb-mi", variables=["reviewer", "loopCounter", "nrOfInstances", "reviewers"])
    seen = sorted((_values(t)["loopCounter"], _values(t)["reviewer"]) for t in tasks)
    assert seen == [(0, "a"), (1, "b"), (2, "c")]
    assert all(_values(t)["nrOfInstances"] == 3 and t["variables"]["loopCounter"]["type"] == "Integer"
               for t in tasks)
    assert all(_values(t)["reviewers"] == '["a", "b", "c"]' for t in tasks)


def test_local_variables_true_gives_the_multi_instance_locals(server):
    deploy(server, "hb_mi_local", chain(START, MI, AFTER, END))
    start(server, "hb_mi_local", {"reviewers": {"value": '["a", "b"]', "type": "Json"}})
    tasks = fetch(server, "hb-mi", localVariables=True)
    assert sorted(_values(t)["reviewer"] for t in tasks) == ["a", "b"]
    assert all("reviewers" not in t["variables"] for t in tasks)


def test_an_expression_priority_is_evaluated(server):
    work = ('<bpmn:serviceTask id="Ext_Prio" name="优先" camunda:type="external" camunda:topic="hb-prio" '
            'camunda:taskPriority="${prio}" />')
    deploy(server, "hb_prio", chain(START, work, AFTER, END))
    for prio in (1, 9, 5):
        start(server, "hb_prio", {"prio": {"value": prio, "type": "Integer"}})
    assert [t["priority"] for t in fetch(server, "hb-prio", use_priority=True)] == [9, 5, 1]
    listed = get(server, "/external-task?topicName=hb-prio", "owner")
    assert sorted(t["priority"] for t in listed) == [1, 5, 9]
