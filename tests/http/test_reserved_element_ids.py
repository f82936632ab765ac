"""hbreak fault 12: element ids `Start` and `End` (common in hand-written diagrams, accepted by Camunda 7)
are SpiffWorkflow's own internal spec names. Before: refused at deploy. Now the engine parses them
under a private id and every output names them by their id in the XML."""

from __future__ import annotations

from tests.support.drawn import chain

from .running import complete, deploy, get, open_tasks, start

TASK = '<bpmn:userTask id="Task_1" name="办理" camunda:candidateGroups="city_clerk" />'
TIMER = ('<bpmn:boundaryEvent id="Root" name="超时" attachedToRef="Task_1" cancelActivity="false">'
         '<bpmn:timerEventDefinition id="TD_R"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P1D'
         "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
         '<bpmn:endEvent id="StartEventJoin" />'
         '<bpmn:sequenceFlow id="Flow_R" sourceRef="Root" targetRef="StartEventJoin" />')


def test_start_and_end_ids_deploy_run_and_are_reported_as_written(server):
    deploy(server, "hb_ids", chain('<bpmn:startEvent id="Start" name="开始" />', TASK,
                                   '<bpmn:endEvent id="End" name="结束" />') + TIMER)
    iid = start(server, "hb_ids")
    [task] = open_tasks(server, iid)
    assert task["taskDefinitionKey"] == "Task_1"
    jobs = get(server, f"/job?processInstanceId={iid}", "owner")
    assert len(jobs) == 1 and "__bpmn_element" not in str(jobs), jobs
    assert complete(server, task["id"]).status_code == 204
    [done] = get(server, f"/history/process-instance?processInstanceId={iid}", "owner")
    assert done["state"] == "COMPLETED"
    view = server.client("owner").get(f"/api/process-instances/{iid}")
    assert view.status_code == 200 and view.json()["endElementId"] == "End", view.text
    text = str(get(server, f"/history/activity-instance?processInstanceId={iid}", "owner"))
    assert "__bpmn_element" not in text
