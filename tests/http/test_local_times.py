"""Times users read are Beijing time (Asia/Shanghai), never UTC (report finding 7): the conflict after a
double submit (service and /engine-rest), and the date an agency was entrusted (/agency-evaluations).
Each test sets the clock to 17:04 UTC, which is 01:04 the next day in Qingdao."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from service.clock import local_minutes
from service.consortium.demo import AGENCY
from service.consortium.supervision import evaluations
from service.engine import tasks
from service.errors import Conflict
from tests.supervision.support import SELF_REPORT, Steps, actor, filed_consortium
from tests.supervision.test_agencies import SETTINGS
from tests.support.procedure import FORMS, Walk

from .test_panel_opinion_document import signed_in
from .walk import typed_map


def _evening_utc(clock) -> datetime:
    """Move the clock forward to the next 17:04 UTC (01:04 the next day in Beijing)."""
    now = clock.now()
    at = now.replace(hour=17, minute=4, second=0, microsecond=0)
    clock.set(at if at > now else at + timedelta(days=1))
    return clock.now()


def test_local_minutes_is_beijing_time():
    assert local_minutes(datetime(2026, 12, 7, 17, 4, tzinfo=UTC)) == "2026-12-08 01:04"
    assert local_minutes(datetime(2026, 12, 7, 17, 4)) == "2026-12-08 01:04"  # naive: stored UTC


def test_a_double_completion_names_the_beijing_time(ctx, clock):
    walk = Walk(ctx)
    walk.start()
    [task] = walk.tasks_of("lead1", "Task_Initiate")
    at = _evening_utc(clock)
    tasks.complete_task(ctx, task_id=task.id, actor=walk.actor("lead1"), data=FORMS["Task_Initiate"])
    with pytest.raises(Conflict) as refused:
        tasks.complete_task(ctx, task_id=task.id, actor=walk.actor("lead1"), data=FORMS["Task_Initiate"])
    assert local_minutes(at) in str(refused.value)
    assert at.strftime("%Y-%m-%d %H:%M") not in str(refused.value)
    assert at.isoformat() not in str(refused.value)


def test_the_engine_rest_conflict_names_the_beijing_time(ctx, server, clock):
    walk = Walk(ctx)
    walk.start()
    [task] = walk.tasks_of("lead1", "Task_Initiate")
    at = _evening_utc(clock)
    lead = server.client("lead1")
    body = {"variables": typed_map(FORMS["Task_Initiate"])}
    assert lead.rest("POST", f"/task/{task.id}/complete", json=body).status_code == 204
    again = lead.rest("POST", f"/task/{task.id}/complete", json=body)
    assert again.status_code == 409
    message = again.json()["message"]
    assert f"任务已于 {local_minutes(at)}" in message and at.strftime("%Y-%m-%d %H:%M") not in message


def test_the_entrusting_date_is_the_beijing_date(server, ctx, clock):
    _, _cid = filed_consortium(ctx, clock)
    opened = evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=SETTINGS)
    steps = Steps(ctx, opened["instances"][0])
    steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    at = _evening_utc(clock)
    path = f"/api/evaluations/{steps.instance_id}/agency"
    done = server.client("city1").post(path, json={"agency": AGENCY[0]})
    assert done.status_code == 200, done.text
    page = signed_in(server, "agency1").get("/agency-evaluations").text
    row = re.search(r"<tr data-assignment=.*?</tr>", page, re.S)
    assert row is not None
    assert f"<td>{local_minutes(at)[:10]}</td>" in row.group()
    assert f"<td>{at.date().isoformat()}</td>" not in row.group()
