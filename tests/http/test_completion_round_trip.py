"""What one completion over /engine-rest costs the database (issue 18): counted, never timed.

A client that completes a task with a well-formed body gets the completion's own statements and no
other read: the check that answers 404/409 before a body's 400 runs only when the body is refused, and
the task's definition is not read again for its form.
"""

from __future__ import annotations

from bench.diagrams import W1_KEY, w1_diagram
from bench.support import SqlCounter
from service.engine import identities, instances
from service.engine.deployments import deploy
from tests.service.test_completion_statements import CEILING


def test_a_completion_over_http_sends_only_the_completions_statements(ctx, server):
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(3, form_key=None)}, actor=owner)
    started = instances.start_instance(ctx, key=W1_KEY, actor=city)
    clerk = server.client("city1")
    assert clerk.rest("GET", "/task", params={"processInstanceId": started.id}).status_code == 200  # signs in
    counter = SqlCounter(ctx.db)
    per_completion, per_list = [], []
    while True:
        before = counter.statements
        with counter.counting():
            listed = clerk.rest("GET", "/task", params={"processInstanceId": started.id}).json()
        per_list.append(counter.statements - before)
        if not listed:
            break
        before = counter.statements
        with counter.counting():
            done = clerk.rest("POST", f"/task/{listed[0]['id']}/complete", json={"variables": {}})
        last = listed[0]["id"]
        assert done.status_code == 204, done.text
        per_completion.append(counter.statements - before)
    assert len(per_completion) == 3
    # the first completion of a definition reads it once for its forms (kept: a definition never changes)
    assert max(per_completion[1:]) <= CEILING[ctx.db.dialect.name], per_completion
    # one transaction (SQLite's BEGIN): the tasks, their definitions' ids; no candidate rows (not shown)
    assert max(per_list) <= 2 + (ctx.db.dialect.name == "sqlite"), per_list
    again = clerk.rest("POST", f"/task/{last}/complete", json={"variables": {}})
    assert again.status_code == 409 and "city1" in again.json()["message"], again.text


def test_a_refused_body_still_answers_for_the_task_first(ctx, server):
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(2, form_key=None)}, actor=owner)
    started = instances.start_instance(ctx, key=W1_KEY, actor=city)
    clerk, stranger = server.client("city1"), server.client("lead1")
    task_id = clerk.rest("GET", "/task", params={"processInstanceId": started.id}).json()[0]["id"]
    bad = {"variables": {}, "bogus": 1}
    assert stranger.rest("POST", f"/task/{task_id}/complete", json=bad).status_code == 404
    assert stranger.rest("POST", f"/task/{task_id}/complete", json={"variables": {}}).status_code == 404
    assert clerk.rest("POST", f"/task/{task_id}/complete", json=bad).status_code == 400
    assert clerk.rest("POST", f"/task/{task_id}/complete", json={"variables": {}}).status_code == 204
    for body in (bad, {"variables": {}}):  # completed: 409 naming who completed it, whatever the body
        again = clerk.rest("POST", f"/task/{task_id}/complete", json=body)
        assert again.status_code == 409 and "city1" in again.json()["message"], again.text
        outsider = stranger.rest("POST", f"/task/{task_id}/complete", json=body)  # the task's own 404
        assert outsider.status_code == 404 and task_id in outsider.json()["message"], outsider.text
        assert started.id not in outsider.text
