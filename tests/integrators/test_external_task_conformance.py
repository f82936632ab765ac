"""Every external-task operation answers in the shapes Camunda 7.21's OpenAPI document declares
(tests/http/camunda_schema.py), errors included."""

from __future__ import annotations

from tests.http.camunda_schema import CamundaSchemas
from tests.integrators.test_external_task_workers import deploy_and_start


def test_external_task_operations_match_camundas_response_schemas(server, camunda_openapi, clock):
    schemas = CamundaSchemas(camunda_openapi)
    check = schemas.check
    iid = deploy_and_start(server)
    owner, admin = server.client("owner"), server.client("admin")
    topic = {"topicName": "creditCheck", "lockDuration": 10_000, "variables": ["amount"]}

    [task] = check(owner.rest("GET", "/external-task", params={"topicName": "creditCheck"}), "/external-task")
    tid = task["id"]
    check(owner.rest("POST", "/external-task", json={"processInstanceId": iid}), "/external-task")
    assert check(
        owner.rest("GET", "/external-task/count", params={"notLocked": "true"}), "/external-task/count"
    ) == {"count": 1}
    check(owner.rest("POST", "/external-task/count", json={"locked": True}), "/external-task/count")
    assert check(owner.rest("GET", "/external-task/topic-names"), "/external-task/topic-names") == [
        "creditCheck"
    ]
    check(owner.rest("GET", f"/external-task/{tid}"), "/external-task/{id}")
    check(owner.rest("GET", "/external-task/nope"), "/external-task/{id}")
    check(owner.rest("GET", "/external-task", params={"tenantIdIn": "a"}), "/external-task")

    [locked] = check(
        owner.rest(
            "POST",
            "/external-task/fetchAndLock",
            json={"workerId": "w1", "maxTasks": 2, "usePriority": True, "topics": [topic]},
        ),
        "/external-task/fetchAndLock",
    )
    assert locked["variables"] == {"amount": {"value": 5, "type": "Integer", "valueInfo": {}}}
    assert locked["workerId"] == "w1" and locked["priority"] == 7
    check(
        owner.rest(
            "POST",
            "/external-task/fetchAndLock",
            json={"workerId": "w1", "maxTasks": 1, "topics": [{"topicName": "x"}]},
        ),
        "/external-task/fetchAndLock",
    )

    check(
        owner.rest("POST", f"/external-task/{tid}/extendLock", json={"workerId": "w1", "newDuration": 5000}),
        "/external-task/{id}/extendLock",
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/extendLock", json={"workerId": "w2", "newDuration": 5000}),
        "/external-task/{id}/extendLock",
    )
    check(
        owner.rest("POST", "/external-task/nope/extendLock", json={"workerId": "w1", "newDuration": 1}),
        "/external-task/{id}/extendLock",
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/complete", json={"workerId": "w2"}),
        "/external-task/{id}/complete",
    )
    check(owner.rest("POST", f"/external-task/{tid}/unlock"), "/external-task/{id}/unlock")
    check(owner.rest("POST", "/external-task/nope/unlock"), "/external-task/{id}/unlock")
    check(
        owner.rest("POST", f"/external-task/{tid}/lock", json={"workerId": "w2", "lockDuration": 5000}),
        "/external-task/{id}/lock",
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/lock", json={"workerId": "w3", "lockDuration": 5000}),
        "/external-task/{id}/lock",
    )
    check(
        owner.rest(
            "POST",
            f"/external-task/{tid}/failure",
            json={
                "workerId": "w2",
                "errorMessage": "down",
                "errorDetails": "trace",
                "retries": 0,
                "retryTimeout": 0,
            },
        ),
        "/external-task/{id}/failure",
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/failure", json={"workerId": "w9", "retries": 0}),
        "/external-task/{id}/failure",
    )
    [incident] = check(admin.rest("GET", "/incident", params={"processInstanceId": iid}), "/incident")
    assert incident["incidentType"] == "failedExternalTask" and incident["incidentMessage"] == "down"
    check(
        admin.rest("PUT", f"/external-task/{tid}/retries", json={"retries": -1}),
        "/external-task/{id}/retries",
    )
    check(
        admin.rest("PUT", f"/external-task/{tid}/retries", json={"retries": 2}), "/external-task/{id}/retries"
    )
    check(
        admin.rest("PUT", "/external-task/nope/retries", json={"retries": 2}), "/external-task/{id}/retries"
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/bpmnError", json={"workerId": "w2", "errorCode": "OTHER"}),
        "/external-task/{id}/bpmnError",
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/bpmnError", json={"workerId": "w3", "errorCode": "X"}),
        "/external-task/{id}/bpmnError",
    )
    check(
        owner.rest(
            "POST",
            f"/external-task/{tid}/complete",
            json={
                "workerId": "w2",
                "variables": {"score": {"value": 1, "type": "Integer"}},
                "localVariables": {},
            },
        ),
        "/external-task/{id}/complete",
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/complete", json={"workerId": "w2"}),
        "/external-task/{id}/complete",
    )
    check(
        owner.rest("POST", f"/external-task/{tid}/bpmnError", json={"workerId": "w2", "errorCode": "X"}),
        "/external-task/{id}/bpmnError",
    )


def test_bad_requests_name_the_field(server):
    deploy_and_start(server)
    owner = server.client("owner")

    def refused(body: dict) -> str:
        answer = owner.rest("POST", "/external-task/fetchAndLock", json=body)
        assert answer.status_code == 400, answer.text
        return answer.json()["message"]

    assert "workerId" in refused({"maxTasks": 1, "topics": []})
    # maxTasks is mandatory (Camunda 7.21 REST reference, FetchExternalTasksDto.required); no default
    assert "'maxTasks' is required" in refused({"workerId": "w", "topics": []})
    assert "maxTasks" in refused({"workerId": "w", "maxTasks": 2**31, "topics": []})  # an int32
    assert "lockDuration" in refused({"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "t"}]})
    assert "colour" in refused({"workerId": "w", "maxTasks": 1, "colour": 1})
    assert "tenants are not supported" in refused(
        {"workerId": "w", "maxTasks": 1,
         "topics": [{"topicName": "t", "lockDuration": 1, "tenantIdIn": ["a"]}]}
    )
    assert "usePriority" in refused({"workerId": "w", "maxTasks": 1, "usePriority": "maybe"})
    ok = owner.rest(
        "POST", "/external-task/fetchAndLock", json={"workerId": "w", "maxTasks": 1, "usePriority": "True"}
    )
    assert ok.status_code == 200 and ok.json() == []
