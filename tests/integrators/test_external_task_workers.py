"""Issue 16: the real `camunda-external-task-client-python3` worker (PyPI), in a subprocess, against the
live server: fetch and complete, failures until an incident and an administrator's retries, a BPMN error
caught by a boundary event, and a lock that expires so another worker takes the task."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.consortium.demo import DEMO_PASSWORD
from tests.http.walk import modeler_upload

HERE = Path(__file__).parent
DIAGRAM = (HERE / "credit_check.bpmn").read_bytes()
WORKER = HERE / "worker.py"


def deploy_and_start(server, business_key: str = "CREDIT-1") -> str:
    owner = server.client("owner")
    deployed = owner.rest(
        "POST", "/deployment/create", **modeler_upload({"credit_check.bpmn": DIAGRAM}, name="credit")
    )
    assert deployed.status_code == 200, deployed.text
    started = owner.rest(
        "POST",
        "/process-definition/key/credit_check/start",
        json={"businessKey": business_key, "variables": {"amount": {"value": 5, "type": "Integer"}}},
    )
    assert started.status_code == 200, started.text  # before issue 16: 500 "no handler for topic"
    return started.json()["id"]


def worker(server, worker_id: str, mode: str, *extra: str, user: str = "owner") -> dict:
    done = subprocess.run(
        [
            sys.executable,
            str(WORKER),
            server.base + "/engine-rest",
            user,
            DEMO_PASSWORD,
            worker_id,
            mode,
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def external_tasks(server, instance_id: str) -> list[dict]:
    listed = server.client("owner").rest("GET", "/external-task", params={"processInstanceId": instance_id})
    assert listed.status_code == 200, listed.text
    return listed.json()


def open_tasks(server, instance_id: str) -> list[str]:
    tasks = server.client("owner").rest("GET", "/task", params={"processInstanceId": instance_id}).json()
    return [t["taskDefinitionKey"] for t in tasks]


def test_a_worker_fetches_and_completes_and_the_instance_moves_on(server):
    iid = deploy_and_start(server)
    [task] = external_tasks(server, iid)
    assert (task["topicName"], task["activityId"], task["priority"], task["workerId"]) == (
        "creditCheck",
        "Task_Check",
        7,
        None,
    )

    handled = worker(server, "credit-worker-1", "complete")["handled"]
    assert handled["id"] == task["id"] and handled["businessKey"] == "CREDIT-1"
    assert handled["variables"]["amount"] == 5
    assert external_tasks(server, iid) == []
    assert open_tasks(server, iid) == ["Task_Review"]
    variables = server.client("owner").rest("GET", f"/process-instance/{iid}/variables").json()
    assert variables["score"]["value"] == 700 and variables["checkedBy"]["value"] == "credit-worker-1"
    gone = server.client("owner").rest(
        "POST", f"/external-task/{task['id']}/complete", json={"workerId": "credit-worker-1"}
    )
    assert gone.status_code == 404, gone.text


def test_failures_become_an_incident_until_an_administrator_sets_retries(server):
    iid = deploy_and_start(server)
    [task] = external_tasks(server, iid)
    for _ in range(4):  # the client counts 3, 2, 1, 0 retries
        assert worker(server, "credit-worker-1", "fail")["handled"]["id"] == task["id"]
    [failed] = external_tasks(server, iid)
    assert failed["retries"] == 0 and failed["errorMessage"].endswith("credit platform down")
    admin = server.client("admin")
    [incident] = admin.rest("GET", "/incident", params={"processInstanceId": iid}).json()
    assert (incident["incidentType"], incident["configuration"]) == ("failedExternalTask", task["id"])
    assert worker(server, "credit-worker-1", "complete")["handled"] == {}  # no retries left: not fetched

    assert admin.rest("PUT", f"/external-task/{task['id']}/retries", json={"retries": 1}).status_code == 204
    assert admin.rest("GET", "/incident", params={"processInstanceId": iid}).json() == []
    assert worker(server, "credit-worker-1", "complete")["handled"]["id"] == task["id"]
    assert open_tasks(server, iid) == ["Task_Review"]


def test_a_bpmn_error_is_caught_by_the_boundary_event(server):
    iid = deploy_and_start(server)
    assert worker(server, "credit-worker-1", "bpmn_error")["handled"]
    owner = server.client("owner")
    [history] = owner.rest("GET", "/history/process-instance", params={"processInstanceId": iid}).json()
    assert history["state"] == "COMPLETED"
    trail = owner.rest("GET", "/history/activity-instance", params={"processInstanceId": iid}).json()
    ended = {a["activityId"] for a in trail}
    assert "End_Refused" in ended and "Task_Review" not in ended
    assert open_tasks(server, iid) == []


def test_an_expired_lock_lets_another_worker_take_the_task(server, clock):
    iid = deploy_and_start(server)
    [task] = external_tasks(server, iid)
    assert worker(server, "worker-a", "lock")["locked"] == [task["id"]]
    assert worker(server, "worker-b", "lock")["locked"] == []  # locked for 60 s by worker-a

    clock.advance(seconds=61)
    assert worker(server, "worker-b", "lock")["locked"] == [task["id"]]
    refused = worker(server, "worker-a", "complete_id", task["id"])  # its lock is no longer the latest
    assert refused["completed"] is False and "400" in refused["error"]
    assert worker(server, "worker-b", "complete_id", task["id"]) == {"completed": True}
    gone = worker(server, "worker-a", "complete_id", task["id"])
    assert gone["completed"] is False and "404" in gone["error"]
    assert open_tasks(server, iid) == ["Task_Review"]


@pytest.mark.parametrize("login", ["city1", "lead1"])
def test_only_integrator_accounts_work_on_external_tasks(server, login):
    deploy_and_start(server)
    client = server.client(login)
    body = {"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "creditCheck", "lockDuration": 1000}]}
    assert client.rest("POST", "/external-task/fetchAndLock", json=body).status_code == 403
    assert client.rest("GET", "/external-task").json() == []  # they see none
    assert client.rest("GET", "/external-task/count").json() == {"count": 0}
    [task] = server.client("owner").rest("GET", "/external-task").json()
    assert client.rest("GET", f"/external-task/{task['id']}").status_code == 404
    assert client.rest("POST", f"/external-task/{task['id']}/unlock").status_code == 404


def test_a_task_whose_instance_was_cancelled_answers_404_to_its_worker(server):
    iid = deploy_and_start(server)
    [task] = external_tasks(server, iid)
    assert worker(server, "worker-a", "lock")["locked"] == [task["id"]]
    assert server.client("admin").rest("DELETE", f"/process-instance/{iid}").status_code == 204
    gone = worker(server, "worker-a", "complete_id", task["id"])
    assert gone["completed"] is False and "404" in gone["error"]
    assert server.client("admin").rest("GET", "/external-task/count").json() == {"count": 0}
