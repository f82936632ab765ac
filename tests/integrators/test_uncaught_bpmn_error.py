"""Issue 16, second pass: a worker's BPMN error that no boundary event catches does what Camunda 7.21
does by default (enableExceptionsAfterUnhandledBpmnError=false): the variables are set and the
execution ends, taking no outgoing flow; here, the instance's only path, so the instance completes.

Before: 400 "BPMN error not caught" and nothing changed.
"""

from __future__ import annotations

from tests.http.camunda_schema import CamundaSchemas
from tests.integrators.test_external_task_workers import deploy_and_start


def test_an_uncaught_bpmn_error_ends_the_path_and_the_instance(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    iid = deploy_and_start(server)
    owner = server.client("owner")
    topic = {"topicName": "creditCheck", "lockDuration": 60_000}
    fetch = {"workerId": "w1", "maxTasks": 1, "topics": [topic]}
    [task] = owner.rest("POST", "/external-task/fetchAndLock", json=fetch).json()
    body = {"workerId": "w1", "errorCode": "NOT_MODELLED", "errorMessage": "platform says no",
            "variables": {"reason": {"value": "unmodelled", "type": "String"}}}
    answer = owner.rest("POST", f"/external-task/{task['id']}/bpmnError", json=body)
    check(answer, "/external-task/{id}/bpmnError")

    [history] = owner.rest("GET", "/history/process-instance", params={"processInstanceId": iid}).json()
    assert history["state"] == "COMPLETED" and history["endTime"] is not None
    assert owner.rest("GET", "/external-task", params={"processInstanceId": iid}).json() == []
    assert server.client("city1").rest("GET", "/task", params={"processInstanceId": iid}).json() == []
    [kept] = owner.rest(
        "GET", "/history/variable-instance", params={"processInstanceId": iid, "variableName": "reason"}
    ).json()
    assert kept["value"] == "unmodelled"
    log = owner.rest("GET", "/history/user-operation", params={"processInstanceId": iid}).json()
    assert "externalTask.bpmnError" in [e["operationType"] for e in log]
    gone = owner.rest("POST", f"/external-task/{task['id']}/bpmnError", json=body)
    assert gone.status_code == 404
