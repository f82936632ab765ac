"""Delegation as Camunda 7 does it (issue 17 item 7): `POST /task/{id}/delegate` makes the assignee the
owner and the delegation PENDING; `POST /task/{id}/resolve` sets the variables and gives the task back to
its owner, RESOLVED, for the owner to complete. Only the assignee delegates, only to a user the task is
offered to within the same scope; every step is in the audit trail. On the pages: the delegate finds it
in the inbox marked 委托, submits the form (which resolves it), the owner checks it prefilled and completes.
"""

from __future__ import annotations

import re

from tests.support.pages import sign_in
from tests.support.procedure import Walk

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
OPINION = "形式审查通过，委托复核无误"


def _form(page: str, action: str) -> dict[str, str]:
    start = page.index(f'action="{action}"')
    return dict(HIDDEN.findall(page[start:page.index("</form>", start)]))


def _city_review(ctx) -> tuple[Walk, str]:
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    [task] = walk.tasks_of("city1", "Task_CityReview")
    return walk, task.id


def test_delegate_and_resolve_over_engine_rest(ctx, server):
    walk, task_id = _city_review(ctx)
    city1, city2 = server.client("city1"), server.client("city2")
    path = f"/task/{task_id}"
    assert city1.rest("POST", f"{path}/claim", json={"userId": "city1"}).status_code == 204
    before = city1.rest("GET", path).json()
    assert before["owner"] is None and before["delegationState"] is None

    # only the assignee delegates; only to another user the task is offered to
    assert city2.rest("POST", f"{path}/delegate", json={"userId": "city2"}).status_code == 403
    outside = city1.rest("POST", f"{path}/delegate", json={"userId": "district1"})
    assert outside.status_code == 400 and "district1" in outside.json()["message"]
    assert city1.rest("POST", f"{path}/delegate", json={"userId": "nobody"}).status_code == 400
    assert city1.rest("POST", f"{path}/delegate", json={}).status_code == 400
    assert city1.rest("POST", f"{path}/resolve", json={}).status_code == 409  # not delegated

    assert city1.rest("POST", f"{path}/delegate", json={"userId": "city2"}).status_code == 204
    task = city2.rest("GET", path).json()
    assert (task["assignee"], task["owner"], task["delegationState"]) == ("city2", "city1", "PENDING")
    pending = city2.rest("GET", "/task", params={"delegationState": "PENDING"}).json()
    assert [t["id"] for t in pending] == [task_id]
    assert city2.rest("GET", "/task", params={"delegationState": "RESOLVED"}).json() == []
    assert [t["id"] for t in city1.rest("GET", "/task", params={"owner": "city1"}).json()] == [task_id]
    bad = city1.rest("GET", "/task", params={"delegationState": "pending"})
    assert bad.status_code == 400 and "delegationState" in bad.json()["message"]

    # the owner waits: it may neither complete nor resolve what it delegated
    variables = {"city_decision": {"value": "accept", "type": "String"},
                 "city_opinion": {"value": OPINION, "type": "String"}}
    waiting = city1.rest("POST", f"{path}/complete", json={"variables": variables})
    assert waiting.status_code == 409 and "city2" in waiting.json()["message"]  # report-a finding 10
    assert city1.rest("POST", f"{path}/resolve", json={"variables": variables}).status_code == 403
    invalid = city2.rest("POST", f"{path}/resolve",
                         json={"variables": {"city_decision": {"value": "maybe", "type": "String"}}})
    assert invalid.status_code == 400 and city2.rest("GET", path).json()["delegationState"] == "PENDING"

    assert city2.rest("POST", f"{path}/resolve", json={"variables": variables}).status_code == 204
    task = city1.rest("GET", path).json()
    assert (task["assignee"], task["owner"], task["delegationState"]) == ("city1", "city1", "RESOLVED")
    assert walk.open_steps() == ["Task_CityReview"]  # resolving does not complete the task
    instance = city1.rest("GET", f"/process-instance/{walk.instance_id}/variables").json()
    assert instance["city_opinion"]["value"] == OPINION
    assert city2.rest("POST", f"{path}/resolve", json={}).status_code == 409  # resolved already

    assert city1.rest("POST", f"{path}/complete", json={"variables": variables}).status_code == 204
    assert "Task_CityReview" not in walk.open_steps()
    operations = city1.rest("GET", "/history/user-operation", params={"taskId": task_id}).json()
    assert {"Claim", "Delegate", "Resolve", "Complete"} <= {o["operationType"] for o in operations}
    [historic] = city1.rest("GET", "/history/task", params={"taskId": task_id}).json()
    assert historic["owner"] == "city1" and historic["assignee"] == "city1"


def test_a_district_clerk_cannot_delegate_outside_its_district(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    [task] = walk.tasks_of("district1", "Task_DistrictReview")
    district1 = server.client("district1")
    assert district1.rest("POST", f"/task/{task.id}/claim", json={"userId": "district1"}).status_code == 204
    refused = district1.rest("POST", f"/task/{task.id}/delegate", json={"userId": "district2"})
    assert refused.status_code == 400  # 城阳区's clerk is not offered 崂山区's review
    assert district1.rest("GET", f"/task/{task.id}").json()["delegationState"] is None
    page = server.client(None)
    assert sign_in(page, "district1").status_code == 303
    assert 'id="delegate"' not in page.get(f"/tasks/{task.id}").text  # nobody to delegate to: no form


def test_delegation_on_the_pages_marked_in_the_inbox_and_in_the_history(ctx, server):
    walk, task_id = _city_review(ctx)
    city1, city2 = server.client(None), server.client(None)
    assert sign_in(city1, "city1").status_code == 303 and sign_in(city2, "city2").status_code == 303
    page = city1.get(f"/tasks/{task_id}").text
    assert 'id="delegate"' not in page  # not claimed yet: only its assignee delegates
    action = f"/tasks/{task_id}/claim"
    assert city1.post(action, data=_form(city1.get("/?view=all").text, action)).status_code == 200
    page = city1.get(f"/tasks/{task_id}").text
    assert 'id="delegate"' in page and 'value="city2"' in page and 'value="district1"' not in page
    action = f"/tasks/{task_id}/delegate"
    refused = city1.post(action, data={**_form(page, action), "user_id": "district1"})
    assert refused.status_code == 422 and "被委托人须为可以办理该任务的其他用户" in refused.text
    page = city1.get(f"/tasks/{task_id}").text
    sent = city1.post(action, data={**_form(page, action), "user_id": "city2", "message": "请代为形式审查"})
    assert sent.status_code == 200 and "已委托 市科技局 复核人 办理" in sent.text

    inbox = city2.get("/").text
    row = inbox[inbox.index(f'data-task="{task_id}"'):]
    assert 'data-delegation="PENDING"' in row[:row.index("</tr>")] and "委托" in row[:row.index("</tr>")]
    own = city2.get(f"/tasks/{task_id}").text
    assert "市科技局 经办人 委托您办理" in own and "city1 委托" not in own
    assert 'value="resolve"' in own and "请代为形式审查" in own
    owner_view = city1.get(f"/tasks/{task_id}").text
    assert "已委托 市科技局 复核人 办理，待其交回" in owner_view and 'value="complete"' not in owner_view

    action = f"/tasks/{task_id}"
    resolved = city2.post(action, data={**_form(own, action), "action": "resolve",
                                        "city_decision": "accept", "city_opinion": OPINION})
    assert resolved.status_code == 200 and "已交回 市科技局 经办人" in resolved.text
    assert walk.open_steps() == ["Task_CityReview"]

    back = city1.get(f"/tasks/{task_id}").text
    assert "被委托人已办理并交回" in back and OPINION in back and 'value="complete"' in back
    inbox = city1.get("/").text
    assert 'data-delegation="RESOLVED"' in inbox
    done = city1.post(action, data={**_form(back, action), "action": "complete",
                                    "city_decision": "accept", "city_opinion": OPINION})
    assert done.status_code == 200 and "Task_CityReview" not in walk.open_steps()

    history = city1.get(f"/applications/{walk.instance_id}").text
    assert "委托办理" in history and "委托给 city2" in history and "委托办结交回" in history
    assert "交回 city1" in history


def _delegated_review(ctx, server) -> tuple[Walk, str]:
    """The city review claimed by city1 and delegated to city2 (PENDING)."""
    walk, task_id = _city_review(ctx)
    city1 = server.client("city1")
    assert city1.rest("POST", f"/task/{task_id}/claim", json={"userId": "city1"}).status_code == 204
    assert city1.rest("POST", f"/task/{task_id}/delegate", json={"userId": "city2"}).status_code == 204
    return walk, task_id


def _state(server, task_id: str) -> tuple:
    task = server.client("city1").rest("GET", f"/task/{task_id}").json()
    return task["assignee"], task["owner"], task["delegationState"]


def test_the_delegate_hands_back_a_complete_form_only(ctx, server):
    """users report 4: an empty form on the page resolved the task; it is checked as a completion's."""
    walk, task_id = _delegated_review(ctx, server)
    city2 = server.client(None)
    assert sign_in(city2, "city2").status_code == 303
    action = f"/tasks/{task_id}"
    empty = city2.post(action, data={**_form(city2.get(action).text, action), "action": "resolve"})
    assert empty.status_code == 422 and 'id="error-summary"' in empty.text
    partial = city2.post(action, data={**_form(city2.get(action).text, action), "action": "resolve",
                                       "city_decision": "reject"})
    assert partial.status_code == 422 and "退回补正或不予受理时须填写审查意见" in partial.text
    assert _state(server, task_id) == ("city2", "city1", "PENDING")

    # over REST: without variables, or with some missing, only when the instance already holds them
    rest = server.client("city2")
    bare = rest.rest("POST", f"/task/{task_id}/resolve", json={})
    assert bare.status_code == 400 and "city_decision" in bare.text
    some = rest.rest("POST", f"/task/{task_id}/resolve",
                     json={"variables": {"city_decision": {"value": "reject", "type": "String"}}})
    assert some.status_code == 400 and "city_opinion" in some.text
    assert _state(server, task_id) == ("city2", "city1", "PENDING")
    variables = {"city_decision": {"value": "accept", "type": "String"},
                 "city_opinion": {"value": OPINION, "type": "String"}}
    assert rest.rest("POST", f"/task/{task_id}/resolve", json={"variables": variables}).status_code == 204
    assert _state(server, task_id) == ("city1", "city1", "RESOLVED")

    # delegated again: the form's values are in the instance now, so a bare resolve is Camunda's
    city1 = server.client("city1")
    assert city1.rest("POST", f"/task/{task_id}/delegate", json={"userId": "city2"}).status_code == 204
    assert rest.rest("POST", f"/task/{task_id}/resolve", json={}).status_code == 204
    assert _state(server, task_id) == ("city1", "city1", "RESOLVED")
    assert walk.open_steps() == ["Task_CityReview"]


def test_a_delegated_task_never_ends_up_owned_by_its_own_delegate(ctx, server):
    """users report 5: the delegate unclaiming, or the owner taking it with setAssignee, left
    `assignee=owner, PENDING` (or nobody holding it) and a page reading 已委托 None 办理."""
    _, task_id = _delegated_review(ctx, server)
    city1, city2 = server.client("city1"), server.client("city2")
    path = f"/task/{task_id}"
    refused = city2.rest("POST", f"{path}/unclaim")
    assert refused.status_code == 409 and "PENDING" in refused.json()["message"]
    assert "市科技局 复核人" in refused.json()["message"]
    assert city2.rest("POST", f"{path}/assignee", json={"userId": None}).status_code == 409
    assert city2.rest("POST", f"{path}/delegate", json={"userId": "city1"}).status_code == 400  # resolve it
    assert _state(server, task_id) == ("city2", "city1", "PENDING")

    page = server.client(None)
    assert sign_in(page, "city2").status_code == 303
    shown = page.get(f"/tasks/{task_id}").text
    assert 'id="assign"' not in shown and 'id="delegate"' not in shown  # nobody but the owner: no forms
    inbox = page.get("/").text
    row = inbox[inbox.index(f'data-task="{task_id}"'):]
    assert "/unclaim" not in row[:row.index("</tr>")]

    # the owner takes it back: the delegation ends, it is the owner's own task again
    assert city1.rest("POST", f"{path}/assignee", json={"userId": "city1"}).status_code == 204
    assert _state(server, task_id) == ("city1", None, None)
    assert sign_in(page, "city1").status_code == 303
    shown = page.get(f"/tasks/{task_id}").text
    assert "已委托 None" not in shown and 'id="delegation"' not in shown and 'value="complete"' in shown

    # an administrator unassigning a delegated task ends the delegation too: nobody holds it, nobody waits
    assert city1.rest("POST", f"{path}/delegate", json={"userId": "city2"}).status_code == 204
    assert server.client("admin").rest("POST", f"{path}/unclaim").status_code == 204
    assert _state(server, task_id) == (None, None, None)
    operations = city1.rest("GET", "/history/user-operation", params={"taskId": task_id}).json()
    assert [o["operationType"] for o in operations].count("Delegate") == 2


def test_the_owner_follows_what_it_delegated_in_its_inbox(ctx, server):
    """users report 11: /api/inbox said nothing of a delegation, the owner's default inbox did not list
    the task it delegated, and the banners named user ids."""
    _, task_id = _delegated_review(ctx, server)
    api = server.client("city1").get("/api/inbox").json()
    [item] = [i for i in api["items"] if i["id"] == task_id]
    assert (item["assignee"], item["owner"], item["delegationState"]) == ("city2", "city1", "PENDING")
    assert item["mayTake"] is False
    [mine] = [i for i in server.client("city2").get("/api/inbox").json()["items"] if i["id"] == task_id]
    assert mine["mayTake"] is True and mine["owner"] == "city1"

    page = server.client(None)
    assert sign_in(page, "city1").status_code == 303
    inbox = page.get("/").text
    row = inbox[inbox.index(f'data-task="{task_id}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-delegation="PENDING"' in row and "已委托 市科技局 复核人 办理，待其交回" in row
    assert f'href="/tasks/{task_id}"' in row
