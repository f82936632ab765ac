"""Issue 16, second pass: task-local variables (`/task/{id}/localVariables`) with Camunda's semantics:
they live in the open task's own scope, are read with the task's variables (shadowing a process variable
of the same name), are never process variables, and end with the task. Writes are administration, scoped
and audited; responses validated against Camunda 7.21's document. Before: every local write was a 400.
"""

from __future__ import annotations

from tests.http.camunda_schema import CamundaSchemas
from tests.integrators.test_instance_admin import deploy, start


def test_task_local_variables_live_and_end_with_the_task(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "expense_claim")
    iid = start(server, "expense_claim", {"amount": {"value": 10, "type": "Integer"}})
    owner, city, lead = server.client("owner"), server.client("city1"), server.client("lead1")
    [task] = city.rest("GET", "/task", params={"processInstanceId": iid}).json()
    tid = task["id"]
    one, many = "/task/{id}/localVariables/{varName}", "/task/{id}/localVariables"

    assert check(city.rest("GET", f"/task/{tid}/localVariables"), many) == {}
    assert city.rest("PUT", f"/task/{tid}/localVariables/note", json={"value": "x"}).status_code == 403
    assert lead.rest("PUT", f"/task/{tid}/localVariables/note", json={"value": "x"}).status_code == 404
    note = {"value": "复核", "type": "String"}
    check(owner.rest("PUT", f"/task/{tid}/localVariables/note", json=note), one)
    check(
        owner.rest(
            "POST",
            f"/task/{tid}/localVariables",
            json={
                "modifications": {
                    "amount": {"value": 99, "type": "Integer"},
                    "seen": {"value": "2026-03-02T09:00:00.000+0800", "type": "Date"},
                }
            },
        ),
        many,
    )
    local = check(city.rest("GET", f"/task/{tid}/localVariables"), many)
    assert {k: (v["value"], v["type"]) for k, v in local.items()} == {
        "note": ("复核", "String"),
        "amount": (99, "Integer"),
        "seen": ("2026-03-02T09:00:00.000+0800", "Date"),
    }
    assert check(city.rest("GET", f"/task/{tid}/localVariables/note"), one)["value"] == "复核"
    assert city.rest("GET", f"/task/{tid}/localVariables/nope").status_code == 404
    task_vars = city.rest("GET", f"/task/{tid}/variables").json()
    assert task_vars["amount"]["value"] == 99 and task_vars["note"]["value"] == "复核"  # local shadows
    process = owner.rest("GET", f"/process-instance/{iid}/variables").json()
    assert process["amount"]["value"] == 10 and "note" not in process and "seen" not in process

    check(owner.rest("DELETE", f"/task/{tid}/localVariables/seen"), one)
    assert set(city.rest("GET", f"/task/{tid}/localVariables").json()) == {"note", "amount"}
    log = owner.rest("GET", "/history/user-operation", params={"taskId": tid}).json()
    assert [e["userId"] for e in log if e["operationType"] == "task.local_variables_set"] == ["owner"] * 3

    assert city.rest("POST", f"/task/{tid}/complete", json={}).status_code == 204
    process = owner.rest("GET", "/history/variable-instance", params={"processInstanceId": iid}).json()
    assert {v["name"]: v["value"] for v in process} == {"amount": 10}  # the locals ended with the task
    assert owner.rest("PUT", f"/task/{tid}/localVariables/note", json={"value": "y"}).status_code == 404
