"""Issue 16: `/execution` lists the executions Camunda would: the instance's own, carrying its one
waiting activity, or a child per concurrent token (here after a parallel split: two user tasks and a
message catch event), filtered by activityId, processInstanceId and messageEventSubscriptionName; one
execution by id, its message subscription, and triggering it. Before: only the instance, no activityId."""

from __future__ import annotations

from tests.http.camunda_schema import CamundaSchemas
from tests.http.running import open_tasks, start
from tests.http.walk import modeler_upload
from tests.support.drawn import drawn

SINGLE = """<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Only" name="唯一" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Only" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Only" targetRef="End_1" />"""
FORKED = """<bpmn:startEvent id="Start_1" />
    <bpmn:parallelGateway id="Split" />
    <bpmn:userTask id="Task_Left" name="左" camunda:candidateGroups="city_clerk" />
    <bpmn:userTask id="Task_Right" name="右" camunda:candidateGroups="city_clerk" />
    <bpmn:intermediateCatchEvent id="Catch_Go" name="等待">
      <bpmn:messageEventDefinition id="MED_Go" messageRef="Msg_Go" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="End_Left" />
    <bpmn:endEvent id="End_Right" />
    <bpmn:endEvent id="End_Go" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Split" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Split" targetRef="Task_Left" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Split" targetRef="Task_Right" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Split" targetRef="Catch_Go" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Task_Left" targetRef="End_Left" />
    <bpmn:sequenceFlow id="Flow_6" sourceRef="Task_Right" targetRef="End_Right" />
    <bpmn:sequenceFlow id="Flow_7" sourceRef="Catch_Go" targetRef="End_Go" />"""


def _deploy(server, key: str, body: str) -> None:
    upload = modeler_upload({f"{key}.bpmn": drawn(key, body, messages={"Msg_Go": "go"})}, name=key)
    answer = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert answer.status_code == 200, answer.text


def test_executions_per_concurrent_token(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    owner, lead = server.client("owner"), server.client("lead1")
    _deploy(server, "single", SINGLE)
    _deploy(server, "forked", FORKED)
    single, forked = start(server, "single"), start(server, "forked")

    # one token in a plain activity runs in the instance's own execution
    only = check(owner.rest("GET", "/execution", params={"processInstanceId": single}), "/execution")
    assert only == [{"id": single, "processInstanceId": single, "ended": False, "tenantId": None}]
    at_task = owner.rest("GET", "/execution", params={"activityId": "Task_Only"}).json()
    assert [e["id"] for e in at_task] == [single]

    # three concurrent tokens: the instance and a child each
    listed = check(owner.rest("GET", "/execution", params={"processInstanceId": forked}), "/execution")
    assert len(listed) == 4 and listed[0]["id"] == forked
    assert {e["processInstanceId"] for e in listed} == {forked}
    children = {e["id"] for e in listed[1:]}
    assert len(children) == 3 and forked not in children
    counted = check(owner.rest("GET", "/execution/count", params={"processInstanceId": forked}),
                    "/execution/count")
    assert counted == {"count": 4}
    [left] = check(owner.rest("GET", "/execution", params={"activityId": "Task_Left"}), "/execution")
    assert left["id"] in children
    assert check(owner.rest("GET", f"/execution/{left['id']}"), "/execution/{id}") == left
    tasks = {t["taskDefinitionKey"] for t in open_tasks(server, forked)}
    assert tasks == {"Task_Left", "Task_Right"}
    posted = owner.rest("POST", "/execution", json={"activityId": "Task_Right", "processInstanceId": forked})
    assert len(posted.json()) == 1 and posted.json()[0]["id"] in children - {left["id"]}

    # the token waiting for the message
    [waiting] = check(owner.rest("GET", "/execution", params={"messageEventSubscriptionName": "go"}),
                      "/execution")
    assert waiting["id"] in children - {left["id"]}
    subscription = "/execution/{id}/messageSubscriptions/{messageName}"
    sub = check(owner.rest("GET", f"/execution/{waiting['id']}/messageSubscriptions/go"), subscription)
    assert sub["eventType"] == "message" and sub["eventName"] == "go" and sub["activityId"] == "Catch_Go"
    assert sub["executionId"] == waiting["id"] and sub["processInstanceId"] == forked
    missing = owner.rest("GET", f"/execution/{left['id']}/messageSubscriptions/go")
    assert missing.status_code == 404
    assert owner.rest("GET", "/execution", params={"signalEventSubscriptionName": "x"}).json() == []
    trigger = subscription + "/trigger"
    check(owner.rest("POST", f"/execution/{waiting['id']}/messageSubscriptions/go/trigger",
                     json={"variables": {"went": {"value": True, "type": "Boolean"}}}), trigger)
    assert [e["id"] for e in owner.rest("GET", "/execution", params={"processInstanceId": forked}).json()] \
        == [forked, *[e["id"] for e in listed[1:] if e["id"] != waiting["id"]]]
    assert owner.rest("GET", f"/execution/{waiting['id']}").status_code == 404
    went = owner.rest("GET", f"/process-instance/{forked}/variables/went").json()
    assert went["value"] is True

    # outside the caller's scope
    assert lead.rest("GET", "/execution", params={"processInstanceId": forked}).json() == []
    assert lead.rest("GET", f"/execution/{left['id']}").status_code == 404
    assert owner.rest("GET", "/execution", params={"tenantIdIn": "t"}).status_code == 400
