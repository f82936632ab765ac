"""Overdue tasks: reminder at the due date, escalation after N working days, and a computation that reaches
an unloaded calendar year becoming an incident an administrator retries over /engine-rest."""

from __future__ import annotations

import base64

from service import create_app
from service.actors import SYSTEM
from service.engine import calendar, jobs
from tests.support.procedure import Walk

from .support import ARRANGEMENT_2027, jobs_of, local, notifications_of


def submitted(ctx) -> Walk:
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    return walk


def test_overdue_review_reminds_the_district_then_escalates_to_the_city(ctx, clock):
    clock.set(local(2026, 3, 2, 9, 0))
    walk = submitted(ctx)
    [review] = walk.tasks_of("district1", "Task_DistrictReview")
    assert review.due_at == local(2026, 3, 12, 9, 0)

    clock.set(local(2026, 3, 12, 8, 59))
    assert jobs.fire_due_jobs(ctx) == 0
    clock.set(local(2026, 3, 12, 9, 0))
    assert jobs.fire_due_jobs(ctx) == 1
    [overdue] = notifications_of(ctx, "district1", "task_overdue")
    assert "区级审核" in overdue.subject and overdue.task_id == review.id
    assert notifications_of(ctx, "district2", "task_overdue") == []  # another district's clerk
    assert notifications_of(ctx, "city1") == []

    # three working days after Thu 12 Mar: Fri 13, Mon 16, Tue 17
    [escalation] = jobs_of(ctx, walk.instance_id, "task_escalation")
    assert escalation.due_at == local(2026, 3, 17, 9, 0)
    clock.set(local(2026, 3, 17, 9, 0))
    assert jobs.fire_due_jobs(ctx) == 1
    for clerk in ("city1", "city2"):
        [escalated] = notifications_of(ctx, clerk, "task_escalation")
        assert "区级审核" in escalated.subject
    assert len(notifications_of(ctx, "district1", "task_overdue")) == 1  # reminded once, not again


def test_completing_the_task_cancels_its_escalation(ctx, clock):
    clock.set(local(2026, 3, 2, 9, 0))
    walk = submitted(ctx)
    clock.set(local(2026, 3, 12, 9, 30))
    assert jobs.fire_due_jobs(ctx) == 1
    assert len(jobs_of(ctx, walk.instance_id, "task_escalation")) == 1
    walk.do("Task_DistrictReview")
    assert jobs_of(ctx, walk.instance_id, "task_escalation") == []
    clock.set(local(2026, 3, 20, 9, 0))
    jobs.fire_due_jobs(ctx)
    assert notifications_of(ctx, "city1", "task_escalation") == []


def basic(login: str) -> dict[str, str]:
    token = base64.b64encode(f"{login}:demo1234".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_unknown_year_becomes_an_incident_and_succeeds_after_the_year_is_loaded(ctx, clock):
    clock.set(local(2026, 12, 20, 9, 0))
    walk = submitted(ctx)  # district review due Wed 30 Dec; escalation would fall in January 2027
    clock.set(local(2026, 12, 30, 9, 0))
    assert jobs.fire_due_jobs(ctx) == 0
    [job] = jobs_of(ctx, walk.instance_id, "task_overdue")
    assert job.retries == 0  # no pointless retries: only loading the year helps
    assert notifications_of(ctx, "district1") == []  # the reminder was rolled back with the failure

    client = create_app(ctx.config, ctx=ctx).test_client()
    listed = client.get("/engine-rest/incident", headers=basic("admin"))
    assert listed.status_code == 200
    [incident] = listed.get_json()
    assert incident["incidentType"] == "failedJob" and incident["configuration"] == job.id
    assert incident["processInstanceId"] == walk.instance_id
    assert incident["activityId"] == "Task_DistrictReview"
    assert "2027" in incident["incidentMessage"] and "consortium calendar load" in incident["incidentMessage"]
    assert client.get("/engine-rest/incident/count", headers=basic("city1")).get_json() == {"count": 1}
    assert client.get("/engine-rest/incident", headers=basic("district2")).get_json() == []
    clock.set(local(2026, 12, 31, 9, 0))
    assert jobs.fire_due_jobs(ctx) == 0  # an incident stays put

    refused = client.put(f"/engine-rest/job/{job.id}/retries", json={"retries": 1}, headers=basic("city1"))
    assert refused.status_code == 403 and refused.get_json()["type"] == "AuthorizationException"
    bad = client.put(f"/engine-rest/job/{job.id}/retries", json={"retries": "x"}, headers=basic("admin"))
    assert bad.status_code == 400
    missing = client.put("/engine-rest/job/nope/retries", json={"retries": 1}, headers=basic("admin"))
    assert missing.status_code == 404

    calendar.load_year(ctx, text=ARRANGEMENT_2027, source="2027.txt", actor=SYSTEM)
    retried = client.put(f"/engine-rest/job/{job.id}/retries", json={"retries": 1}, headers=basic("admin"))
    assert retried.status_code == 204
    assert client.get("/engine-rest/incident", headers=basic("admin")).get_json() == []
    assert jobs.fire_due_jobs(ctx) == 1
    assert len(notifications_of(ctx, "district1", "task_overdue")) == 1
    # Thu 31 Dec, (1-3 Jan holidays), Mon 4, Tue 5 Jan
    [escalation] = jobs_of(ctx, walk.instance_id, "task_escalation")
    assert escalation.due_at == local(2027, 1, 5, 9, 0)
