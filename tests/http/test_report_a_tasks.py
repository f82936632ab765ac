"""Hostile tester A's findings 6, 7, 10, 11 and 12, over a running server."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from service.engine import jobs
from tests.http.running import deploy, open_tasks, start
from tests.support.drawn import chain
from tests.support.procedure import FORMS, MEMBER_LOGINS, MEMBERS, Walk

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'


def timer(element_id: str, duration: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{element_id}"><bpmn:timerEventDefinition id="TD_{element_id}">'
            f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{duration}</bpmn:timeDuration>'
            "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")


AFTER = ('<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" '
         'camunda:dueDate="${add_days(now(), 3)}" />')


def moment(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def typed(values: dict) -> dict:
    """Form values as Camunda's typed variables (objects and lists as Json)."""
    return {
        name: {"value": json.dumps(value, ensure_ascii=False), "type": "Json"}
        if isinstance(value, (dict, list)) else {"value": value}
        for name, value in values.items()
    }


def test_engine_rest_completion_takes_a_boolean_or_true_false_text_only(ctx, server):
    """Finding 6: "yes" or 1 for a tick box of a built-in form is a 400 naming the field (bilingual)."""
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    login = MEMBER_LOGINS[MEMBERS[0]["credit_code"]]
    member = server.client(login)
    [task] = member.rest("GET", f"/task?processInstanceId={walk.instance_id}&taskDefinitionKey="
                                "Task_ConfirmMembership").json()
    lenient = ({"value": "yes"}, {"value": 1}, {"value": "on", "type": "String"},
               {"value": 1, "type": "Integer"})
    for bad in lenient:
        variables = typed(FORMS["Task_ConfirmMembership"])
        variables["integrity_commitment"] = bad
        refused = member.rest("POST", f"/task/{task['id']}/complete", json={"variables": variables})
        assert refused.status_code == 400, (bad, refused.text)
        message = refused.json()["message"]
        assert "integrity_commitment" in message and "true" in message and " / " in message, message
    variables = typed(FORMS["Task_ConfirmMembership"])
    variables["integrity_commitment"] = {"value": "true", "type": "String"}
    done = member.rest("POST", f"/task/{task['id']}/complete", json={"variables": variables})
    assert done.status_code == 204, done.text


def test_a_timer_executed_early_dates_what_follows_now(server, clock):
    """Finding 7: `POST /job/{id}/execute` runs the timer now; the task it creates, the due date counted
    from that task and the next timer job are dated on the clock's now, not at the timer's due moment."""
    owner = server.client("owner")
    deploy(server, "week_then_task", chain(START, timer("Timer_Week", "P7D"), AFTER, END))
    deploy(server, "week_then_hour", chain(START, timer("Timer_Week", "P7D"), timer("Timer_Hour", "PT1H"),
                                           AFTER, END))
    first, second = start(server, "week_then_task"), start(server, "week_then_hour")
    clock.advance(hours=2)
    now = clock.now()
    for iid in (first, second):
        [job] = owner.rest("GET", "/job", params={"processInstanceId": iid}).json()
        assert moment(job["dueDate"]) > now + timedelta(days=6)
        executed = owner.rest("POST", f"/job/{job['id']}/execute")
        assert executed.status_code == 204, executed.text

    [task] = open_tasks(server, first)
    assert moment(task["created"]) == now, task
    assert moment(task["due"]) == now + timedelta(days=3), task
    [following] = owner.rest("GET", "/job", params={"processInstanceId": second}).json()
    assert moment(following["createTime"]) == now, following
    assert moment(following["dueDate"]) == now + timedelta(hours=1), following
    assert jobs.fire_due_jobs(server.ctx) == 0  # nothing else fired early
    clock.advance(hours=1, seconds=1)
    assert jobs.fire_due_jobs(server.ctx) == 1  # the scheduler's due firing keeps its own semantics
    [task] = open_tasks(server, second)
    assert moment(task["created"]) == clock.now()
