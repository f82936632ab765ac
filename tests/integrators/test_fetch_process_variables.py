"""fetchAndLock's `processVariables` filter: a worker names variable values the instance must have.
A Date variable matches the moment whatever offset or precision the worker writes it in (before: the
stored ISO text was compared with the worker's string, so a Date never matched)."""

from __future__ import annotations

from tests.http.walk import modeler_upload
from tests.integrators.test_external_task_workers import DIAGRAM


def _start(owner, business_key: str, variables: dict) -> str:
    started = owner.rest("POST", "/process-definition/key/credit_check/start",
                         json={"businessKey": business_key, "variables": variables})
    assert started.status_code == 200, started.text
    return started.json()["id"]


def _fetch(owner, process_variables: dict) -> list[str]:
    answer = owner.rest("POST", "/external-task/fetchAndLock", json={
        "workerId": "w", "maxTasks": 10,
        "topics": [{"topicName": "creditCheck", "lockDuration": 1000,
                    "processVariables": process_variables}]})
    assert answer.status_code == 200, answer.text
    return [t["businessKey"] for t in answer.json()]


def test_process_variables_filter_matches_dates_numbers_and_strings(server):
    owner = server.client("owner")
    upload = modeler_upload({"credit_check.bpmn": DIAGRAM}, name="c")
    deployed = owner.rest("POST", "/deployment/create", **upload)
    assert deployed.status_code == 200, deployed.text
    _start(owner, "DATED", {"amount": {"value": 5, "type": "Integer"},
                            "due": {"value": "2026-03-02T09:00:00.000+0800", "type": "Date"},
                            "region": {"value": "崂山区", "type": "String"}})
    _start(owner, "OTHER", {"amount": {"value": 6, "type": "Integer"},
                            "due": {"value": "2026-03-03T09:00:00.000+0800", "type": "Date"}})

    assert _fetch(owner, {"due": "2026-03-04T09:00:00.000+0800"}) == []
    assert _fetch(owner, {"due": "2026-03-02T01:00:00.000+0000", "amount": 6}) == []  # both must hold
    assert _fetch(owner, {"region": "崂山区", "amount": 5.0}) == ["DATED"]  # 5.0 equals Integer 5
    for task in owner.rest("GET", "/external-task").json():
        assert owner.rest("POST", f"/external-task/{task['id']}/unlock").status_code == 204
    assert _fetch(owner, {"due": "2026-03-02T01:00:00.000+0000"}) == ["DATED"]  # the same moment in UTC
    assert _fetch(owner, {"due": "2026-03-03T09:00:00.000+0800"}) == ["OTHER"]
    assert _fetch(owner, {"nowhere": "x"}) == []
