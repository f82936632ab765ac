"""Hostile tester A's findings 6, 7, 10, 11 and 12, over a running server."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from service.actors import SYSTEM
from service.consortium.reviews.panel_access import results_published
from service.engine import identities, jobs
from tests.http.running import deploy, open_tasks, start
from tests.support.drawn import chain
from tests.support.procedure import FORMS, LEAD, MEMBER_LOGINS, MEMBERS, Walk

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


def test_a_task_one_can_read_answers_what_blocks_it_never_that_it_does_not_exist(ctx, server):
    """Finding 10: the owner of a delegated task reads it (200), so completing, claiming or delegating
    it again answers 409 naming the delegate, not 404; a colleague it was offered to, after another
    claimed it, hears that it is claimed (409), not that it does not exist."""
    identities.add_user(ctx, user_id="lead1b", password="demo1234", groups=["applicant"],
                        display_name="海智装备 申报员乙", org_credit_code=LEAD, district="崂山区",
                        actor=SYSTEM)
    walk = Walk(ctx)
    walk.start()
    lead, colleague = server.client("lead1"), server.client("lead1b")
    [task] = lead.rest("GET", f"/task?processInstanceId={walk.instance_id}").json()
    path = f"/task/{task['id']}"
    assert task["assignee"] is None and colleague.rest("GET", path).status_code == 200  # offered to both
    assert lead.rest("POST", f"{path}/claim", json={"userId": "lead1"}).status_code == 204
    assert colleague.rest("GET", path).status_code == 404  # a claimed task leaves the others' view
    for action, body in (("claim", {"userId": "lead1b"}), ("delegate", {"userId": "lead1b"}),
                         ("complete", {"variables": {}})):
        refused = colleague.rest("POST", f"{path}/{action}", json=body)
        assert refused.status_code == 409, (action, refused.text)
        assert "已被他人认领" in refused.json()["message"], refused.text

    assert lead.rest("POST", f"{path}/delegate", json={"userId": "lead1b"}).status_code == 204
    read = lead.rest("GET", path)
    assert read.status_code == 200 and read.json()["delegationState"] == "PENDING"
    variables = typed(FORMS["Task_Initiate"])
    for action, body in (("complete", {"variables": variables}), ("submit-form", {"variables": variables}),
                         ("claim", {"userId": "lead1"}), ("delegate", {"userId": "lead1b"})):
        refused = lead.rest("POST", f"{path}/{action}", json=body)
        assert refused.status_code == 409, (action, refused.text)
        message = refused.json()["message"]
        assert "任务已委托" in message and "lead1b" in message and "PENDING" in message, message
    assert lead.rest("GET", path).json()["assignee"] == "lead1b"


def test_a_panel_out_of_scope_reads_as_one_that_does_not_exist(ctx, server):
    """Finding 11: `/api/panels/{id}` answers the same 404 for an unknown panel and one the caller may not
    see, never the instance id behind it; so does an application entered in a round by an outsider."""
    walk = Walk(ctx)
    walk.through_to_publicity()  # results published: the lead's own unit reads how many sat
    with ctx.unit_of_work(write=False) as uow:
        assert results_published(uow.session, walk.instance_id)
    assert server.client("lead1").get(f"/api/panels/{walk.panel_id}").status_code == 200
    unknown = server.client("cylead1").get("/api/panels/99999")
    assert unknown.status_code == 404
    for login in ("cylead1", "district2"):
        hidden = server.client(login).get(f"/api/panels/{walk.panel_id}")
        assert hidden.status_code == 404, hidden.text
        message = hidden.json()["message"]
        assert walk.instance_id not in hidden.text and walk.business_key not in hidden.text
        assert message == unknown.json()["message"].replace("99999", str(walk.panel_id)), message
        assert "专家组不存在" in message and f"Panel {walk.panel_id} does not exist" in message

    entered = server.client("cylead1").put(f"/api/rounds/{walk.round_id}/applications/{walk.business_key}")
    assert entered.status_code == 404 and walk.instance_id not in entered.text, entered.text
    nowhere = server.client("cylead1").put(f"/api/rounds/{walk.round_id}/applications/CXLHT-2099-9999")
    same = nowhere.json()["message"].replace("CXLHT-2099-9999", walk.business_key)
    assert entered.json()["message"] == same
