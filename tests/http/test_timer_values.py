"""Issue 12, fault 6: timer values. A date the diagram computes as a datetime (`add_days(now(), 3)`)
or a date, or gives as an ISO string, is a due date wherever one is expected (timeDate, dueDate,
followUpDate); Camunda Modeler's unquoted ISO 8601 literals in a timer field (`PT2H`, `R3/PT10M`,
`2027-01-01T09:00:00+08:00`) mean what they mean in Camunda.

Before: `add_days(now(), 3)` as timeDate deployed, then every completion before the timer answered
500 `'datetime.datetime' object has no attribute 'upper'`; unquoted literals were refused at deploy.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from service.engine import jobs
from tests.support.drawn import chain

from .running import complete, deploy, open_tasks, start

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
FIRST = '<bpmn:userTask id="Task_First" name="先办" camunda:candidateGroups="city_clerk" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'


def timer(kind: str, text: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="Timer_1" name="等待"><bpmn:timerEventDefinition id="TD_1">'
            f'<bpmn:{kind} xsi:type="bpmn:tFormalExpression">{text}</bpmn:{kind}>'
            f"</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")


@pytest.mark.parametrize("expression", ["add_days(now(), 3)", "add_days(now(), 3).date()",
                                        "add_days(today(), 3)", "add_days(today(), 3) + 'T00:00:00'",
                                        "${add_days(now(), 3)}"])
def test_a_computed_time_date_waits_until_that_day(server, clock, expression):
    """A datetime, a date, or an ISO string computed by the diagram's helpers all are the timer's date."""
    key = "computed_date"
    deploy(server, key, chain(START, FIRST, timer("timeDate", expression), AFTER, END))
    instance = start(server, key)
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"])
    assert response.status_code == 204, response.text
    assert open_tasks(server, instance) == []
    clock.advance(days=2)
    assert jobs.fire_due_jobs(server.ctx) == 0
    clock.advance(days=1, hours=1)
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_After"]


@pytest.mark.parametrize("kind, literal, wait, early", [
    ("timeDuration", "PT2H", timedelta(hours=2, minutes=1), timedelta(hours=1, minutes=59)),
    ("timeDate", "2026-03-05T09:00:00+08:00", timedelta(days=3, minutes=1), timedelta(days=2, hours=23)),
    ("timeDate", "2026-03-05", timedelta(days=2, hours=16), timedelta(days=2, hours=14)),
])
def test_unquoted_iso_literals_from_modeler_deploy_and_run(server, clock, kind, literal, wait, early):
    """What Modeler's timer field holds (Camunda's syntax) is taken as the ISO literal it is."""
    key = "literal_timer"
    deploy(server, key, chain(START, timer(kind, literal), AFTER, END))
    instance = start(server, key)
    started = clock.now()
    clock.set(started + early)
    assert jobs.fire_due_jobs(server.ctx) == 0
    clock.set(started + wait)
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_After"]


def test_an_unquoted_cycle_on_a_boundary_timer_fires_three_times(server, clock):
    key = "literal_cycle"
    body = f"""{START}
    <bpmn:userTask id="Task_Slow" name="慢办" camunda:candidateGroups="city_clerk" />
    <bpmn:boundaryEvent id="Remind" name="提醒" cancelActivity="false" attachedToRef="Task_Slow">
      <bpmn:timerEventDefinition id="TD_Remind">
        <bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/PT10M</bpmn:timeCycle>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="Count" name="计数" scriptFormat="python">
      <bpmn:script>reminded = True</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="End_Remind" />
    {END}
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Slow" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Slow" targetRef="End_1" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Remind" targetRef="Count" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Count" targetRef="End_Remind" />"""
    deploy(server, key, body)
    instance = start(server, key)
    fired = 0
    for _ in range(5):
        clock.advance(minutes=10, seconds=1)
        fired += jobs.fire_due_jobs(server.ctx)
    assert fired == 3
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_Slow"]


@pytest.mark.parametrize("attribute", ["${add_days(now(), 3)}", "${add_days(today(), 3)}",
                                       "${add_days(now(), 3).date()}", "${iso(add_days(now(), 3))}", "P3D",
                                       "2026-03-05T09:00:00"])
def test_due_and_follow_up_dates_accept_datetimes_dates_and_iso_strings(server, attribute):
    key = "due_dates"
    task = (f'<bpmn:userTask id="Task_Due" name="限期办" camunda:candidateGroups="city_clerk" '
            f'camunda:dueDate="{attribute}" camunda:followUpDate="{attribute}" />')
    deploy(server, key, chain(START, task, END))
    instance = start(server, key)
    (open_task,) = open_tasks(server, instance)
    due = datetime.strptime(open_task["due"], "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)
    assert open_task["followUp"] == open_task["due"]
    assert datetime(2026, 3, 4, 15, 0, tzinfo=UTC) <= due <= datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


def test_a_computed_datetime_on_an_interrupting_boundary_timer(server, clock):
    """The same datetime as a boundary timer's date: completing the task before it is fine."""
    body = f"""{START}
    <bpmn:userTask id="Task_Slow" name="慢办" camunda:candidateGroups="city_clerk" />
    <bpmn:boundaryEvent id="Deadline" name="期限" attachedToRef="Task_Slow">
      <bpmn:timerEventDefinition id="TD_Deadline">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${{add_days(now(), 3)}}</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    {AFTER}
    {END}
    <bpmn:endEvent id="End_Late" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Slow" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Slow" targetRef="Task_After" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_After" targetRef="End_1" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Deadline" targetRef="End_Late" />"""
    deploy(server, "boundary_date", body)
    first = start(server, "boundary_date")
    (task,) = open_tasks(server, first)
    assert complete(server, task["id"]).status_code == 204
    assert [t["taskDefinitionKey"] for t in open_tasks(server, first)] == ["Task_After"]
    late = start(server, "boundary_date")
    clock.advance(days=3, minutes=1)
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert open_tasks(server, late) == []
