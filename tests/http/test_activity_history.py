"""hbreak fault 5: `/history/activity-instance` has one row per activity instance, with its real start
and end, and `canceled: true` where it was cut off.

Before: start and end events and gateways never appeared; a script loop run within one command left
no rows; an external task appeared twice (start == end, ids not the external task's
activityInstanceId); a multi-instance body of 3 gave 5 rows; cancelled activities had canceled false;
after DELETE /process-instance the active external task did not appear at all.
"""

from __future__ import annotations

from collections import Counter

from tests.support.drawn import chain

from .running import complete, deploy, get, open_tasks, start

START, END = '<bpmn:startEvent id="Start_1" />', '<bpmn:endEvent id="End_1" />'
WORK = '<bpmn:serviceTask id="Ext_Work" name="外部" camunda:type="external" camunda:topic="hb-hist" />'
TASK = '<bpmn:userTask id="Task_A" name="办理" camunda:candidateGroups="city_clerk" />'


def history(server, iid: str) -> list[dict]:
    return get(server, f"/history/activity-instance?processInstanceId={iid}", "owner")


def test_events_gateways_and_tasks_each_have_one_row(server):
    gateway = '<bpmn:exclusiveGateway id="Gateway_1" />'
    deploy(server, "hb_hist", chain(START, gateway, TASK, END))
    iid = start(server, "hb_hist")
    [task] = open_tasks(server, iid)
    assert complete(server, task["id"]).status_code == 204
    rows = history(server, iid)
    assert [r["activityId"] for r in rows] == ["Start_1", "Gateway_1", "Task_A", "End_1"]
    assert all(r["endTime"] and not r["canceled"] for r in rows)
    [user] = [r for r in rows if r["activityId"] == "Task_A"]
    assert user["taskId"] == task["id"] and user["activityType"] == "userTask"
    assert [r["activityType"] for r in rows if r["activityId"] == "Start_1"] == ["startEvent"]


def test_a_loop_within_one_command_leaves_a_row_per_pass(server):
    body = f"""{START}
    <bpmn:scriptTask id="Script_Count" name="计数" scriptFormat="python">
      <bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_More" default="Flow_Again" />
    <bpmn:serviceTask id="Ext_Loop" name="外部" camunda:type="external" camunda:topic="hb-loop" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Script_Count" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Script_Count" targetRef="Gateway_More" />
    <bpmn:sequenceFlow id="Flow_Again" sourceRef="Gateway_More" targetRef="Script_Count" />
    <bpmn:sequenceFlow id="Flow_Done" sourceRef="Gateway_More" targetRef="Ext_Loop">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">n &gt;= 50</bpmn:conditionExpression>
    </bpmn:sequenceFlow>"""
    deploy(server, "hb_loop", body)
    iid = start(server, "hb_loop", {"n": {"value": 0, "type": "Integer"}})
    counts = Counter(r["activityId"] for r in history(server, iid))
    assert counts["Script_Count"] == 50 and counts["Gateway_More"] == 50 and counts["Ext_Loop"] == 1


def test_an_external_task_is_one_row_with_its_activity_instance_id_and_delete_cancels_it(server):
    deploy(server, "hb_ext", chain(START, WORK, END))
    iid = start(server, "hb_ext")
    [external] = get(server, f"/external-task?processInstanceId={iid}", "owner")
    [row] = [r for r in history(server, iid) if r["activityId"] == "Ext_Work"]
    assert row["id"] == external["activityInstanceId"] and row["endTime"] is None
    assert server.client("owner").rest("DELETE", f"/process-instance/{iid}").status_code == 204
    [row] = [r for r in history(server, iid) if r["activityId"] == "Ext_Work"]
    assert row["canceled"] is True and row["endTime"] is not None


def test_a_multi_instance_body_and_its_children(server):
    mi = ('<bpmn:userTask id="Task_Review" name="评审" camunda:candidateGroups="city_clerk">'
          '<bpmn:multiInstanceLoopCharacteristics camunda:collection="reviewers" camunda:elementVariable="r">'
          "<bpmn:completionCondition>${nrOfCompletedInstances &gt;= 2}</bpmn:completionCondition>"
          "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>")
    deploy(server, "hb_mi_hist", chain(START, mi, END))
    iid = start(server, "hb_mi_hist", {"reviewers": {"value": '["a", "b", "c"]', "type": "Json"}})
    for task in open_tasks(server, iid)[:2]:
        assert complete(server, task["id"]).status_code == 204
    rows = [r for r in history(server, iid) if r["activityId"].startswith("Task_Review")]
    assert Counter(r["activityId"] for r in rows) == {"Task_Review#multiInstanceBody": 1, "Task_Review": 3}
    [body] = [r for r in rows if r["activityType"] == "multiInstanceBody"]
    assert body["endTime"] and not body["canceled"]
    children = sorted((r["canceled"], bool(r["endTime"])) for r in rows if r["activityId"] == "Task_Review")
    assert children == [(False, True), (False, True), (True, True)]


def test_an_activity_interrupted_by_a_caught_error_is_canceled(server):
    boundary = ('<bpmn:boundaryEvent id="Catch_Err" attachedToRef="Ext_Work">'
                '<bpmn:errorEventDefinition id="ED_1" /></bpmn:boundaryEvent>'
                '<bpmn:endEvent id="End_Err" />'
                '<bpmn:sequenceFlow id="Flow_Err" sourceRef="Catch_Err" targetRef="End_Err" />')
    deploy(server, "hb_err", chain(START, WORK, END) + boundary)
    iid = start(server, "hb_err")
    assert "Catch_Err" not in {r["activityId"] for r in history(server, iid)}  # waiting is no instance
    owner = server.client("owner")
    [locked] = owner.rest("POST", "/external-task/fetchAndLock", json={
        "workerId": "w", "maxTasks": 1, "topics": [{"topicName": "hb-hist", "lockDuration": 60_000}]}).json()
    thrown = owner.rest("POST", f"/external-task/{locked['id']}/bpmnError",
                        json={"workerId": "w", "errorCode": "E1"})
    assert thrown.status_code == 204, thrown.text
    rows = {r["activityId"]: r for r in history(server, iid)}
    assert rows["Ext_Work"]["canceled"] is True
    assert rows["Catch_Err"]["canceled"] is False and rows["End_Err"]["endTime"]
    assert "End_1" not in rows
