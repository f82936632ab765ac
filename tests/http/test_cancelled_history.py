"""Issue 12, fault 8: a task the process cancels ends, in history and in the audit trail.

Before: after an interrupting boundary timer cancelled a user task and the instance completed,
`/history/task` and `/history/activity-instance` listed the task with `endTime` null and
`canceled: false`. Camunda 7 ends it with `deleteReason` "deleted" (the activity instance
`canceled: true`); the same holds when a terminate end event on another branch ends it.
"""

from __future__ import annotations

import sqlalchemy as sa

from service.engine import jobs
from service.engine.store.models import AuditEvent

from .running import complete, deploy, get, open_tasks, start

SLOW = """<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Slow" name="慢办" camunda:candidateGroups="city_clerk" />
    <bpmn:boundaryEvent id="Timeout" name="超时" attachedToRef="Task_Slow">
      <bpmn:timerEventDefinition id="TD_Timeout">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="End_Done" />
    <bpmn:endEvent id="End_Late" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Slow" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Slow" targetRef="End_Done" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Timeout" targetRef="End_Late" />"""

TERMINATE = """<bpmn:startEvent id="Start_1" />
    <bpmn:parallelGateway id="Split" />
    <bpmn:userTask id="Task_Left" name="左" camunda:candidateGroups="city_clerk" />
    <bpmn:userTask id="Task_Right" name="右" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_All"><bpmn:terminateEventDefinition id="Terminate_1" /></bpmn:endEvent>
    <bpmn:endEvent id="End_Right" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Split" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Split" targetRef="Task_Left" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Split" targetRef="Task_Right" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Left" targetRef="End_All" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Task_Right" targetRef="End_Right" />"""


def audit_actions(server, instance_id: str) -> list[tuple[str, str | None]]:
    with server.ctx.unit_of_work(write=False) as uow:
        rows = uow.session.scalars(sa.select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                   .order_by(AuditEvent.id))
        return [(r.action, r.element_id) for r in rows]


def test_a_task_cancelled_by_an_interrupting_boundary_timer_ends_cancelled(server, clock):
    deploy(server, "slow", SLOW)
    instance = start(server, "slow")
    (task,) = open_tasks(server, instance)
    clock.advance(hours=1, minutes=1)
    assert jobs.fire_due_jobs(server.ctx) == 1
    (ended,) = get(server, f"/history/process-instance?processInstanceId={instance}")
    assert ended["state"] == "COMPLETED"

    (historic,) = get(server, f"/history/task?processInstanceId={instance}")
    assert historic["id"] == task["id"]
    assert historic["endTime"] is not None and historic["deleteReason"] == "deleted"
    assert get(server, f"/history/task?processInstanceId={instance}&unfinished=true") == []
    activity = [a for a in get(server, f"/history/activity-instance?processInstanceId={instance}")
                if a["activityId"] == "Task_Slow"]
    assert len(activity) == 1 and activity[0]["canceled"] is True and activity[0]["endTime"] is not None
    assert ("task.canceled", "Task_Slow") in audit_actions(server, instance)


def test_a_task_completed_before_the_timer_ends_completed(server, clock):
    deploy(server, "slow", SLOW)
    instance = start(server, "slow")
    (task,) = open_tasks(server, instance)
    assert complete(server, task["id"]).status_code == 204
    (historic,) = get(server, f"/history/task?processInstanceId={instance}")
    assert historic["deleteReason"] == "completed"
    (activity,) = [a for a in get(server, f"/history/activity-instance?processInstanceId={instance}")
                   if a["activityId"] == "Task_Slow"]
    assert activity["canceled"] is False
    assert ("task.canceled", "Task_Slow") not in audit_actions(server, instance)


def test_a_terminate_end_event_cancels_the_other_branch_task(server):
    deploy(server, "terminate", TERMINATE)
    instance = start(server, "terminate")
    tasks = {t["taskDefinitionKey"]: t for t in open_tasks(server, instance)}
    assert complete(server, tasks["Task_Left"]["id"]).status_code == 204
    historic = {t["taskDefinitionKey"]: t for t in get(server, f"/history/task?processInstanceId={instance}")}
    assert historic["Task_Left"]["deleteReason"] == "completed"
    assert historic["Task_Right"]["deleteReason"] == "deleted"
    assert historic["Task_Right"]["endTime"] is not None
    found = get(server, f"/history/activity-instance?processInstanceId={instance}")
    activities = {a["activityId"]: a for a in found}
    assert activities["Task_Right"]["canceled"] is True and activities["Task_Left"]["canceled"] is False
