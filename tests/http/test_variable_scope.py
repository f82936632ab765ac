"""Issue 12, fault 2 at the REST edge: every reader sees the one variable scope of the instance.

Parallel branches into two user tasks: after the first sets `status`, the instance's variables and
the other branch's open task show it; after the second sets `budget`, the task after the join and the
instance show both (before, the second branch's stale copy undid the first write).
"""

from __future__ import annotations

from pathlib import Path

import requests

from .walk import modeler_upload

DIAGRAM = Path(__file__).resolve().parent.parent / "conformance" / "data" / "parallel_join.bpmn"


def _for_city_clerks(content: bytes) -> bytes:
    text = content.decode()
    starters = 'isExecutable="true" camunda:candidateStarterGroups="city_clerk"'
    text = text.replace('isExecutable="true"', starters)
    for key in ("legal", "budget", "decide"):
        text = text.replace(f'camunda:formKey="{key}"', 'camunda:candidateGroups="city_clerk"')
    return text.encode()


def _variables(city: requests.Session, path: str) -> dict:
    response = city.rest("GET", path)
    assert response.status_code == 200, response.text
    return {name: typed["value"] for name, typed in response.json().items()}


def _task(city: requests.Session, instance_id: str, element_id: str) -> str:
    response = city.rest("GET", "/task", params={"processInstanceId": instance_id})
    assert response.status_code == 200, response.text
    [task] = [t for t in response.json() if t["taskDefinitionKey"] == element_id]
    return task["id"]


def _complete(city: requests.Session, task_id: str, variables: dict) -> None:
    body = {"variables": {k: {"value": v, "type": "Integer" if isinstance(v, int) else "String"}
                          for k, v in variables.items()}}
    response = city.rest("POST", f"/task/{task_id}/complete", json=body)
    assert response.status_code == 204, response.text


def test_rest_variables_read_the_one_instance_scope(server):
    upload = modeler_upload({"parallel_join.bpmn": _for_city_clerks(DIAGRAM.read_bytes())}, name="scope")
    deployed = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert deployed.status_code == 200, deployed.text
    city = server.client("city1")
    started = city.rest("POST", "/process-definition/key/parallel_join/start", json={"variables": {
        "status": {"value": "new", "type": "String"}, "budget": {"value": 0, "type": "Integer"}}})
    assert started.status_code == 200, started.text
    instance_id = started.json()["id"]

    _complete(city, _task(city, instance_id, "Task_Legal"), {"status": "legal-ok"})
    budget_task = _task(city, instance_id, "Task_Budget")
    variables = f"/process-instance/{instance_id}/variables"
    assert _variables(city, variables) == {"status": "legal-ok", "budget": 0}
    assert _variables(city, f"/task/{budget_task}/variables") == {"status": "legal-ok", "budget": 0}

    _complete(city, budget_task, {"budget": 80})
    after = _task(city, instance_id, "Task_After")
    assert _variables(city, variables) == {"status": "legal-ok", "budget": 80}
    assert _variables(city, f"/task/{after}/variables") == {"status": "legal-ok", "budget": 80}
