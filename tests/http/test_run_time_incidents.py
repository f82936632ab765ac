"""Issue 12, fault 9: errors at run time follow Camunda's model. The person's command that caused one
fails cleanly (a 4xx naming the element and the expression, nothing saved); a step the engine runs on
its own (a timer, an asynchronous continuation) records an incident, listed at /engine-rest/incident
and on the application page, which an administrator retries after the fix (`PUT /job/{id}/retries`).
`camunda:asyncBefore` / `camunda:asyncAfter` make a step run as a job.

Before: these answered 500 and left nothing behind, and asynchronous continuations were ignored.
"""

from __future__ import annotations

import pytest

from service.actors import SYSTEM
from service.engine import calendar, jobs
from tests.deadlines.support import ARRANGEMENT_2027
from tests.support.drawn import chain
from tests.support.pages import sign_in

from .running import complete, deploy, get, open_tasks, start, start_response

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
FIRST = '<bpmn:userTask id="Task_First" name="先办" camunda:candidateGroups="city_clerk" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'
HOUR = ('<bpmn:intermediateCatchEvent id="Timer_Hour" name="一小时"><bpmn:timerEventDefinition id="TD_H">'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")


def script(source: str, attributes: str = "") -> str:
    return (f'<bpmn:scriptTask id="Script_Rate" name="计算" scriptFormat="python" {attributes}>'
            f"<bpmn:script>{source}</bpmn:script></bpmn:scriptTask>")


def gateway_on(condition: str) -> str:
    return f"""{START}{FIRST}
    <bpmn:exclusiveGateway id="Gateway_Big" default="Flow_Small" />
    <bpmn:endEvent id="End_Big" />{END}
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_First" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_First" targetRef="Gateway_Big" />
    <bpmn:sequenceFlow id="Flow_Big" sourceRef="Gateway_Big" targetRef="End_Big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Small" sourceRef="Gateway_Big" targetRef="End_1" />"""


CASES = {
    "script": (chain(START, FIRST, script("rate = total / count"), AFTER, END), "Script_Rate", "count"),
    "condition": (gateway_on("amount &gt; 1"), "Gateway_Big", "amount &gt; 1".replace("&gt;", ">")),
    "due date": (chain(START, FIRST, '<bpmn:userTask id="Task_Due" name="限期" camunda:candidateGroups='
                       '"city_clerk" camunda:dueDate="${add_days(received, 3)}" />', END),
                 "Task_Due", "received"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failing_expression_in_a_persons_command_is_a_400_and_nothing_is_saved(server, case):
    body, element, name = CASES[case]
    deploy(server, "failing", body)
    instance = start(server, "failing", {"total": {"value": 10, "type": "Integer"}})
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"], {"note": {"value": "x", "type": "String"}})
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert element in message and name in message
    assert [t["id"] for t in open_tasks(server, instance)] == [task["id"]]
    assert "note" not in get(server, f"/process-instance/{instance}/variables")


def test_a_service_task_with_an_unknown_topic_is_no_500(server):
    service = ('<bpmn:serviceTask id="Service_Unknown" name="外部" camunda:type="external" '
               'camunda:topic="nobody-serves-this" />')
    deploy(server, "unknown_topic", chain(START, service, AFTER, END))
    response = start_response(server, "unknown_topic")
    assert response.status_code < 500, response.text


def test_a_failing_script_after_a_timer_is_an_incident_retried_by_an_administrator(server, clock):
    deploy(server, "timer_fails", chain(START, HOUR, script("rate = total / count"), AFTER, END))
    instance = start(server, "timer_fails", {"total": {"value": 10, "type": "Integer"}})
    for _ in range(6):
        clock.advance(hours=1, minutes=1)
        jobs.fire_due_jobs(server.ctx)
    (incident,) = get(server, f"/incident?processInstanceId={instance}", "admin")
    assert incident["incidentType"] == "failedJob" and incident["activityId"] == "Timer_Hour"
    assert incident["failedActivityId"] == "Script_Rate"
    assert get(server, "/incident?failedActivityId=Script_Rate", "admin") == [incident]
    assert "Script_Rate" in incident["incidentMessage"] and "count" in incident["incidentMessage"]
    assert open_tasks(server, instance) == []
    browser = server.client(None)
    assert sign_in(browser, "admin").status_code == 303
    page = browser.get(f"/applications/{instance}")
    assert page.status_code == 200 and "Script_Rate" in page.text and incident["id"] in page.text
    job_id = incident["configuration"]
    retried = server.client("admin").rest("PUT", f"/job/{job_id}/retries", json={"retries": 1})
    assert retried.status_code == 204, retried.text
    assert get(server, f"/incident?processInstanceId={instance}", "admin") == []
    assert jobs.fire_due_jobs(server.ctx) == 0  # the cause is still there: a new incident
    assert len(get(server, f"/incident?processInstanceId={instance}", "admin")) == 1


def test_async_before_makes_the_step_a_job_whose_failure_is_an_incident_until_fixed(server, clock):
    clock.set(clock.now().replace(month=12, day=28))
    deadline = script("deadline = add_working_days(now(), 5)", 'camunda:asyncBefore="true"')
    deploy(server, "async_before", chain(START, FIRST, deadline, AFTER, END))
    instance = start(server, "async_before")
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"])  # the person's command ends at the continuation
    assert response.status_code == 204, response.text
    assert open_tasks(server, instance) == []
    assert jobs.fire_due_jobs(server.ctx) == 0  # 2027 is not loaded: an incident at once
    (incident,) = get(server, f"/incident?processInstanceId={instance}", "admin")
    assert incident["activityId"] == "Script_Rate" and "2027" in incident["incidentMessage"]
    activities = get(server, f"/process-instance/{instance}/activity-instances")
    assert "Script_Rate" in str(activities)

    calendar.load_year(server.ctx, text=ARRANGEMENT_2027, source="2027.txt", actor=SYSTEM)
    job_id = incident["configuration"]
    retried = server.client("admin").rest("PUT", f"/job/{job_id}/retries", json={"retries": 1})
    assert retried.status_code == 204
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_After"]
    assert get(server, f"/process-instance/{instance}/variables")["deadline"]["type"] == "Date"


def test_async_after_commits_the_persons_completion_and_runs_the_rest_as_a_job(server, clock):
    first = FIRST.replace("/>", 'camunda:asyncAfter="true" />')
    deploy(server, "async_after", chain(START, first, script("rate = total / count"), AFTER, END))
    instance = start(server, "async_after", {"total": {"value": 10, "type": "Integer"}})
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"], {"count": {"value": 0, "type": "Integer"}})
    assert response.status_code == 204, response.text  # the failure is the job's, not the person's
    for _ in range(4):
        jobs.fire_due_jobs(server.ctx)
        clock.advance(hours=1)
    (incident,) = get(server, f"/incident?processInstanceId={instance}", "admin")
    assert "ZeroDivisionError" in incident["incidentMessage"] or "division" in incident["incidentMessage"]
    historic = get(server, f"/history/task?processInstanceId={instance}")
    assert [t["deleteReason"] for t in historic] == ["completed"]


def test_async_before_on_a_script_runs_it_only_when_the_job_runs(server):
    counted = script("rate = total / 2", 'camunda:asyncBefore="true"')
    deploy(server, "async_ok", chain(START, counted, AFTER, END))
    instance = start(server, "async_ok", {"total": {"value": 10, "type": "Integer"}})
    assert open_tasks(server, instance) == []
    assert "rate" not in get(server, f"/process-instance/{instance}/variables")
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert get(server, f"/process-instance/{instance}/variables")["rate"]["value"] == 5.0
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_After"]


def test_async_before_on_a_user_task_creates_it_in_the_job(server, clock):
    after = AFTER.replace("/>", 'camunda:asyncBefore="true" camunda:dueDate="${add_days(received, 3)}" />')
    deploy(server, "async_user", chain(START, FIRST, after, END))
    instance = start(server, "async_user")
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"])  # the due date fails in the job, not in this command
    assert response.status_code == 204, response.text
    assert open_tasks(server, instance) == []
    for _ in range(4):
        jobs.fire_due_jobs(server.ctx)
        clock.advance(hours=1)
    (incident,) = get(server, f"/incident?processInstanceId={instance}", "admin")
    assert incident["activityId"] == "Task_After" and "received" in incident["incidentMessage"]

    fine = AFTER.replace("/>", 'camunda:asyncBefore="true" camunda:dueDate="P3D" />')
    deploy(server, "async_user_ok", chain(START, FIRST, fine, END))
    other = start(server, "async_user_ok")
    (first,) = open_tasks(server, other)
    assert complete(server, first["id"]).status_code == 204
    assert open_tasks(server, other) == []
    assert jobs.fire_due_jobs(server.ctx) == 1
    (created,) = open_tasks(server, other)
    assert created["taskDefinitionKey"] == "Task_After" and created["due"] is not None


@pytest.mark.parametrize("start_event", ['<bpmn:startEvent id="Start_1" camunda:asyncAfter="true" />',
                                         '<bpmn:startEvent id="Start_1" camunda:asyncBefore="true" />'])
def test_an_asynchronous_start_commits_the_instance_and_the_job_runs_on(server, start_event):
    deploy(server, "async_start", chain(start_event, script("rate = total / 2"), AFTER, END))
    instance = start(server, "async_start", {"total": {"value": 10, "type": "Integer"}})
    assert open_tasks(server, instance) == []
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_After"]
    assert get(server, f"/process-instance/{instance}/variables")["rate"]["value"] == 5.0
