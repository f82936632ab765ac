"""Issue 16: a call activity's child is listed as a process instance of its own, as Camunda lists it:
in `/process-instance` (with `superProcessInstance` / `subProcessInstance`) and in
`/history/process-instance` (with `superProcessInstanceId`, `subProcessInstanceId`), by id, and it
ends in history when the call returns. Before: only the caller was listed."""

from __future__ import annotations

from tests.http.camunda_schema import CamundaSchemas
from tests.http.running import complete, deploy, open_tasks, start

CHILD = """<bpmn:startEvent id="Start_Child" />
    <bpmn:userTask id="Task_Child" name="子流程办理" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_Child" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Child" targetRef="Task_Child" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Child" targetRef="End_Child" />"""
PARENT = """<bpmn:startEvent id="Start_1" />
    <bpmn:callActivity id="Call_Child" name="调用子流程" calledElement="called_child" />
    <bpmn:userTask id="Task_After" name="之后" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Call_Child" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Call_Child" targetRef="Task_After" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_After" targetRef="End_1" />"""


def test_a_called_process_is_its_own_instance(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "called_child", CHILD)
    deploy(server, "calling_parent", PARENT)
    parent = start(server, "calling_parent")
    other = start(server, "called_child")  # the child's process started on its own, for contrast
    owner, lead = server.client("owner"), server.client("lead1")

    listed = check(owner.rest("GET", "/process-instance"), "/process-instance")
    ids = [p["id"] for p in listed]
    assert parent in ids and other in ids and len(ids) == 3
    [child] = [p for p in listed if p["id"] not in (parent, other)]
    child_definition = owner.rest("GET", "/process-definition/key/called_child").json()["id"]
    assert child["definitionId"] == child_definition and child["ended"] is False
    assert check(owner.rest("GET", "/process-instance/count"), "/process-instance/count") == {"count": 3}
    assert check(owner.rest("GET", f"/process-instance/{child['id']}"), "/process-instance/{id}") == child

    sub = owner.rest("GET", "/process-instance", params={"superProcessInstance": parent}).json()
    assert [p["id"] for p in sub] == [child["id"]]
    caller = owner.rest("GET", "/process-instance", params={"subProcessInstance": child["id"]}).json()
    assert [p["id"] for p in caller] == [parent]
    by_key = owner.rest("GET", "/process-instance", params={"processDefinitionKey": "called_child"}).json()
    assert sorted(p["id"] for p in by_key) == sorted([child["id"], other])
    assert owner.rest("GET", "/process-instance/count",
                      params={"superProcessInstance": parent}).json() == {"count": 1}
    paged = owner.rest("GET", "/process-instance", params={"maxResults": 2, "firstResult": 1}).json()
    assert [p["id"] for p in paged] == ids[1:3]

    history = "/history/process-instance"
    [called] = check(owner.rest("GET", history, params={"superProcessInstanceId": parent}), history)
    assert called["id"] == child["id"] and called["superProcessInstanceId"] == parent
    assert called["rootProcessInstanceId"] == parent and called["processDefinitionKey"] == "called_child"
    assert called["state"] == "ACTIVE" and called["endTime"] is None
    [top] = owner.rest("GET", history, params={"subProcessInstanceId": child["id"]}).json()
    assert top["id"] == parent and top["superProcessInstanceId"] is None

    # the call returns: the child ends in history and leaves the runtime list
    [task] = open_tasks(server, parent)
    assert complete(server, task["id"]).status_code == 204
    assert [t["taskDefinitionKey"] for t in open_tasks(server, parent)] == ["Task_After"]
    assert owner.rest("GET", "/process-instance", params={"superProcessInstance": parent}).json() == []
    assert owner.rest("GET", f"/process-instance/{child['id']}").status_code == 404
    [ended] = owner.rest("GET", history, params={"superProcessInstanceId": parent, "finished": "true"}).json()
    assert ended["state"] == "COMPLETED" and ended["endTime"] is not None
    counted = check(owner.rest("GET", f"{history}/count", params={"processDefinitionKey": "called_child"}),
                    f"{history}/count")
    assert counted == {"count": 2}

    # scoped like its caller
    assert lead.rest("GET", history, params={"superProcessInstanceId": parent}).json() == []
    assert lead.rest("GET", "/process-instance", params={"subProcessInstance": child["id"]}).json() == []
