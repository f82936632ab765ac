"""Issue 16: administering running instances over /engine-rest: variables, cancel, suspend and activate
(suspended instances refuse task completion and their timers wait), jobs, Modeler's webapps link; every
response validated against Camunda 7.21's OpenAPI document."""

from __future__ import annotations

from pathlib import Path

from service.engine.jobs import fire_due_jobs
from tests.http.camunda_schema import CamundaSchemas
from tests.http.walk import modeler_upload

HERE = Path(__file__).parent


def deploy(server, name: str) -> None:
    files = {f"{name}.bpmn": (HERE / f"{name}.bpmn").read_bytes()}
    answer = server.client("owner").rest("POST", "/deployment/create", **modeler_upload(files, name=name))
    assert answer.status_code == 200, answer.text


def start(server, key: str, variables: dict | None = None) -> str:
    answer = server.client("city1").rest(
        "POST", f"/process-definition/key/{key}/start", json={"variables": variables or {}}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def test_administrators_read_and_write_variables(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "expense_claim")
    iid = start(server, "expense_claim", {"amount": {"value": 10, "type": "Integer"}})
    owner, city, lead = server.client("owner"), server.client("city1"), server.client("lead1")
    var = "/process-instance/{id}/variables/{varName}"

    assert check(city.rest("GET", f"/process-instance/{iid}/variables/amount"), var)["value"] == 10
    # 404 (Camunda's REST reference; its OpenAPI document lists only 200/400 here)
    assert city.rest("GET", f"/process-instance/{iid}/variables/nope").status_code == 404
    assert lead.rest("GET", f"/process-instance/{iid}/variables/amount").status_code == 404  # not theirs
    refused = city.rest(
        "PUT", f"/process-instance/{iid}/variables/amount", json={"value": 1, "type": "Integer"}
    )
    assert refused.status_code == 403  # a clerk works on tasks; administrators change data
    check(
        owner.rest("PUT", f"/process-instance/{iid}/variables/amount", json={"value": 12, "type": "Integer"}),
        var,
    )
    check(
        owner.rest(
            "PUT", f"/process-instance/{iid}/variables/amount", json={"value": "x", "type": "Integer"}
        ),
        var,
    )
    check(
        owner.rest(
            "POST",
            f"/process-instance/{iid}/variables",
            json={"modifications": {"note": {"value": "复核", "type": "String"}}, "deletions": ["amount"]},
        ),
        "/process-instance/{id}/variables",
    )
    values = check(
        owner.rest("GET", f"/process-instance/{iid}/variables"), "/process-instance/{id}/variables"
    )
    assert values == {"note": {"value": "复核", "type": "String", "valueInfo": {}}}
    check(owner.rest("DELETE", f"/process-instance/{iid}/variables/note"), var)
    assert owner.rest("GET", f"/process-instance/{iid}/variables").json() == {}
    check(
        owner.rest("PUT", f"/process-instance/{iid}/variables/amount", json={"value": 7, "type": "Integer"}),
        var,
    )
    [listed] = check(
        city.rest("GET", "/variable-instance", params={"processInstanceIdIn": iid}), "/variable-instance"
    )
    assert (listed["name"], listed["value"], listed["type"]) == ("amount", 7, "Integer")
    assert (
        check(
            city.rest("GET", "/variable-instance/count", params={"variableNameLike": "am%"}),
            "/variable-instance/count",
        )["count"]
        >= 1
    )
    check(city.rest("GET", f"/variable-instance/{listed['id']}"), "/variable-instance/{id}")
    check(city.rest("GET", "/variable-instance/nope"), "/variable-instance/{id}")
    assert lead.rest("GET", "/variable-instance", params={"processInstanceIdIn": iid}).json() == []
    [task] = city.rest("GET", "/task", params={"processInstanceId": iid}).json()
    assert city.rest("POST", f"/task/{task['id']}/complete", json={}).status_code == 204
    assert city.rest("GET", "/variable-instance", params={"processInstanceIdIn": iid}).json() == []  # ended
    [kept] = check(
        city.rest("GET", "/history/variable-instance", params={"processInstanceId": iid}),
        "/history/variable-instance",
    )
    assert (kept["name"], kept["value"]) == ("amount", 7)


def test_cancel_ends_the_instance_and_history_keeps_it(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "expense_claim")
    iid = start(server, "expense_claim")
    owner, city = server.client("owner"), server.client("city1")
    assert city.rest("DELETE", f"/process-instance/{iid}").status_code == 403
    check(
        owner.rest(
            "DELETE",
            f"/process-instance/{iid}",
            params={"skipCustomListeners": "True", "skipIoMappings": "false"},
        ),
        "/process-instance/{id}",
    )
    check(owner.rest("GET", f"/process-instance/{iid}"), "/process-instance/{id}")  # 404: no longer running
    check(owner.rest("DELETE", f"/process-instance/{iid}"), "/process-instance/{id}")  # 404 again
    assert (
        owner.rest("DELETE", f"/process-instance/{iid}", params={"failIfNotExists": "false"}).status_code
        == 204
    )
    assert city.rest("GET", "/task", params={"processInstanceId": iid}).json() == []
    [history] = owner.rest("GET", "/history/process-instance", params={"processInstanceId": iid}).json()
    assert history["state"] == "EXTERNALLY_TERMINATED" and history["endTime"] is not None
    for flag, found in (("finished", 1), ("externallyTerminated", 1), ("completed", 0), ("unfinished", 0)):
        counted = owner.rest(
            "GET", "/history/process-instance/count", params={"processInstanceId": iid, flag: "true"}
        ).json()
        assert counted == {"count": found}, flag

    log = check(
        owner.rest("GET", "/history/user-operation", params={"processInstanceId": iid}),
        "/history/user-operation",
    )
    operations = [(e["operationType"], e["entityType"], e["userId"]) for e in log]
    assert ("Create", "ProcessInstance", "city1") in operations
    assert ("Delete", "ProcessInstance", "owner") in operations
    counted = check(
        owner.rest(
            "GET",
            "/history/user-operation/count",
            params={"processInstanceId": iid, "operationType": "Delete"},
        ),
        "/history/user-operation/count",
    )
    assert counted == {"count": 1}
    assert server.client("lead1").rest("GET", "/history/user-operation").status_code == 403


def test_a_suspended_instance_refuses_completion_and_its_timer_waits(server, clock, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "cooling_off")
    iid = start(server, "cooling_off")
    owner, city = server.client("owner"), server.client("city1")
    suspended = "/process-instance/{id}/suspended"

    [job] = check(owner.rest("GET", "/job", params={"processInstanceId": iid}), "/job")
    assert job["jobDefinitionId"] == "timer" and job["suspended"] is False
    check(owner.rest("GET", f"/job/{job['id']}"), "/job/{id}")
    check(owner.rest("GET", "/job/nope"), "/job/{id}")
    assert check(owner.rest("GET", "/job/count", params={"timers": "TRUE"}), "/job/count")["count"] >= 1
    assert server.client("lead1").rest("GET", "/job", params={"processInstanceId": iid}).json() == []

    assert city.rest("PUT", f"/process-instance/{iid}/suspended", json={"suspended": True}).status_code == 403
    check(owner.rest("PUT", f"/process-instance/{iid}/suspended", json={"suspended": True}), suspended)
    assert check(owner.rest("GET", f"/process-instance/{iid}"), "/process-instance/{id}")["suspended"] is True
    [listed] = owner.rest(
        "GET", "/process-instance", params={"suspended": "true", "processInstanceIds": iid}
    ).json()
    assert listed["id"] == iid
    assert owner.rest(
        "GET", "/process-instance/count", params={"active": "true", "processInstanceIds": iid}
    ).json() == {"count": 0}
    clock.advance(hours=2)
    assert fire_due_jobs(server.ctx) == 0  # a suspended instance's timer does not fire
    assert city.rest("GET", "/task", params={"processInstanceId": iid}).json() == []

    check(owner.rest("PUT", f"/process-instance/{iid}/suspended", json={"suspended": "false"}), suspended)
    assert fire_due_jobs(server.ctx) == 1
    [task] = city.rest("GET", "/task", params={"processInstanceId": iid}).json()
    check(owner.rest("PUT", f"/process-instance/{iid}/suspended", json={"suspended": True}), suspended)
    refused = city.rest("POST", f"/task/{task['id']}/complete", json={})
    assert refused.status_code == 409 and "suspended" in refused.json()["message"]
    check(owner.rest("PUT", f"/process-instance/{iid}/suspended", json={"suspended": False}), suspended)

    group = "/process-instance/suspended"  # by definition, as Camunda's "activate/suspend in group"
    check(owner.rest("PUT", group, json={"processDefinitionKey": "cooling_off", "suspended": "TRUE"}), group)
    [execution] = check(
        owner.rest("GET", "/execution", params={"processInstanceId": iid, "suspended": "true"}), "/execution"
    )
    assert execution == {"id": iid, "processInstanceId": iid, "ended": False, "tenantId": None}
    check(owner.rest("GET", f"/execution/{iid}"), "/execution/{id}")
    check(owner.rest("GET", "/execution/count", params={"active": "true"}), "/execution/count")
    assert city.rest("POST", f"/task/{task['id']}/complete", json={}).status_code == 409
    check(owner.rest("PUT", group, json={"processDefinitionKey": "cooling_off"}), group)  # 400: suspended?
    check(owner.rest("PUT", group, json={"processInstanceIds": [iid], "suspended": False}), group)
    assert city.rest("POST", f"/task/{task['id']}/complete", json={}).status_code == 204
    check(owner.rest("GET", f"/execution/{iid}"), "/execution/{id}")  # 404: ended


def test_modeler_finds_the_products_pages(server):
    anonymous = server.client(None)
    links = anonymous.get("/.well-known/camunda-automation-platform/webapps")
    assert links.status_code == 200
    cockpit = links.json()["cockpitUrl"]
    assert cockpit == server.base + "/webapps/cockpit/"
    opened = anonymous.get(cockpit + "default/", allow_redirects=False)  # Modeler appends default/#/...
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/deployments")


def test_task_variables_are_the_instances(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "expense_claim")
    iid = start(server, "expense_claim", {"amount": {"value": 10, "type": "Integer"}})
    owner, city, lead = server.client("owner"), server.client("city1"), server.client("lead1")
    [task] = city.rest("GET", "/task", params={"processInstanceId": iid}).json()
    tid, one = task["id"], "/task/{id}/variables/{varName}"

    assert check(city.rest("GET", f"/task/{tid}/variables/amount"), one)["value"] == 10
    check(city.rest("GET", f"/task/{tid}/variables/nope"), one)
    assert lead.rest("GET", f"/task/{tid}/variables/amount").status_code == 404  # not their task
    assert (
        city.rest("PUT", f"/task/{tid}/variables/amount", json={"value": 1, "type": "Integer"}).status_code
        == 403
    )
    check(owner.rest("PUT", f"/task/{tid}/variables/amount", json={"value": 11, "type": "Integer"}), one)
    check(
        owner.rest("POST", f"/task/{tid}/variables", json={"modifications": {"memo": {"value": "ok"}}}),
        "/task/{id}/variables",
    )
    check(owner.rest("DELETE", f"/task/{tid}/variables/memo"), one)
    values = city.rest("GET", f"/process-instance/{iid}/variables").json()
    assert values["amount"]["value"] == 11 and "memo" not in values

    assert check(city.rest("GET", f"/task/{tid}/localVariables"), "/task/{id}/localVariables") == {}
    check(city.rest("GET", f"/task/{tid}/localVariables/amount"), "/task/{id}/localVariables/{varName}")
    local = owner.rest("PUT", f"/task/{tid}/localVariables/x", json={"value": 1, "type": "Integer"})
    assert local.status_code == 204  # task-local variables: tests/integrators/test_task_local_variables.py
    assert "x" not in city.rest("GET", f"/process-instance/{iid}/variables").json()


def test_a_suspended_definition_starts_nothing(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "expense_claim")
    iid = start(server, "expense_claim")
    owner, city = server.client("owner"), server.client("city1")
    by_key = "/process-definition/key/{key}/suspended"
    assert (
        city.rest(
            "PUT", "/process-definition/key/expense_claim/suspended", json={"suspended": True}
        ).status_code
        == 403
    )
    check(
        owner.rest(
            "PUT",
            "/process-definition/key/expense_claim/suspended",
            json={"suspended": True, "includeProcessInstances": True},
        ),
        by_key,
    )
    [definition] = check(
        owner.rest("GET", "/process-definition", params={"key": "expense_claim", "suspended": "true"}),
        "/process-definition",
    )
    assert definition["suspended"] is True
    refused = city.rest("POST", "/process-definition/key/expense_claim/start", json={})
    assert refused.status_code == 409 and "suspended" in refused.json()["message"]
    assert owner.rest("GET", f"/process-instance/{iid}").json()["suspended"] is True
    check(
        owner.rest(
            "PUT",
            f"/process-definition/{definition['id']}/suspended",
            json={"suspended": False, "includeProcessInstances": True},
        ),
        "/process-definition/{id}/suspended",
    )
    check(
        owner.rest(
            "PUT",
            "/process-definition/suspended",
            json={"processDefinitionKey": "expense_claim", "suspended": False},
        ),
        "/process-definition/suspended",
    )
    assert owner.rest("GET", f"/process-instance/{iid}").json()["suspended"] is False
    assert city.rest("POST", "/process-definition/key/expense_claim/start", json={}).status_code == 200
