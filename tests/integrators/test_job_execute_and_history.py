"""Issue 16, second pass: `POST /job/{id}/execute` and the history of incidents and job runs
(`/history/incident`, `/history/job-log`), each response validated against Camunda 7.21's document
(tests/http/camunda_schema.py carries the history schemas Camunda's document leaves out).

Before: all three answered 404.
"""

from __future__ import annotations

from service.engine import jobs
from tests.http.camunda_schema import CamundaSchemas
from tests.http.running import deploy, open_tasks, start
from tests.support.drawn import chain

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'
HOUR = ('<bpmn:intermediateCatchEvent id="Timer_Hour" name="一小时"><bpmn:timerEventDefinition id="TD_H">'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")
RATE = ('<bpmn:scriptTask id="Script_Rate" name="计算" scriptFormat="python">'
        "<bpmn:script>rate = total / count</bpmn:script></bpmn:scriptTask>")


def timer_then_script(server) -> tuple[str, str]:
    """An instance waiting on a one-hour timer whose step then divides by `count` (not yet set)."""
    deploy(server, "timed_rate", chain(START, HOUR, RATE, AFTER, END))
    iid = start(server, "timed_rate", {"total": {"value": 10, "type": "Integer"}})
    [job] = server.client("owner").rest("GET", "/job", params={"processInstanceId": iid}).json()
    return iid, job["id"]


def test_execute_runs_a_job_now_and_a_failure_counts_down_as_the_scheduler_would(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    iid, job_id = timer_then_script(server)
    owner, city, lead = server.client("owner"), server.client("city1"), server.client("lead1")
    execute = "/job/{id}/execute"

    assert city.rest("POST", f"/job/{job_id}/execute").status_code == 403  # clerks do not run jobs
    assert check(lead.rest("POST", f"/job/{job_id}/execute"), execute)["type"] == "RestException"  # 404
    assert owner.rest("POST", "/job/nope/execute").status_code == 404

    failed = check(owner.rest("POST", f"/job/{job_id}/execute"), execute)  # 500, as Camunda documents
    assert "Script_Rate" in failed["message"] or "count" in failed["message"]
    job = owner.rest("GET", f"/job/{job_id}").json()
    assert job["retries"] == 2 and job["exceptionMessage"]  # counted down from 3, as a scheduler failure
    assert open_tasks(server, iid) == []
    assert owner.rest("POST", f"/job/{job_id}/execute").status_code == 500
    assert owner.rest("POST", f"/job/{job_id}/execute").status_code == 500
    [incident] = owner.rest("GET", "/incident", params={"processInstanceId": iid}).json()
    assert incident["incidentType"] == "failedJob" and incident["configuration"] == job_id

    count = {"value": 2, "type": "Integer"}
    fixed = owner.rest("PUT", f"/process-instance/{iid}/variables/count", json=count)
    assert fixed.status_code == 204
    check(owner.rest("POST", f"/job/{job_id}/execute"), execute)  # 204: the timer fires before its hour
    assert [t["taskDefinitionKey"] for t in open_tasks(server, iid)] == ["Task_After"]
    assert owner.rest("GET", "/incident", params={"processInstanceId": iid}).json() == []
    assert owner.rest("POST", f"/job/{job_id}/execute").status_code == 404  # done: the job is gone
    assert jobs.fire_due_jobs(server.ctx) == 0

    log = owner.rest("GET", "/history/user-operation", params={"processInstanceId": iid}).json()
    assert [e["userId"] for e in log if e["operationType"] == "Execute"] == ["owner"] * 4


def test_a_suspended_instances_job_is_not_executed(server):
    iid, job_id = timer_then_script(server)
    owner = server.client("owner")
    suspend = owner.rest("PUT", f"/process-instance/{iid}/suspended", json={"suspended": True})
    assert suspend.status_code == 204
    refused = owner.rest("POST", f"/job/{job_id}/execute")
    assert refused.status_code == 409 and "suspended" in refused.json()["message"]
    assert owner.rest("GET", f"/job/{job_id}").json()["retries"] == 3


def test_history_keeps_incidents_and_job_runs(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    iid, job_id = timer_then_script(server)
    owner, lead = server.client("owner"), server.client("lead1")
    for _ in range(3):  # retries 3 -> 0: an incident
        assert owner.rest("POST", f"/job/{job_id}/execute").status_code == 500
    [opened] = check(
        owner.rest("GET", "/history/incident", params={"processInstanceId": iid}), "/history/incident"
    )
    [current] = owner.rest("GET", "/incident", params={"processInstanceId": iid}).json()
    assert opened["id"] == current["id"] and opened["configuration"] == job_id
    assert (opened["open"], opened["resolved"], opened["endTime"]) == (True, False, None)
    assert (opened["incidentType"], opened["activityId"]) == ("failedJob", "Timer_Hour")
    assert opened["failedActivityId"] == "Script_Rate" and opened["processDefinitionKey"] == "timed_rate"

    assert owner.rest("PUT", f"/job/{job_id}/retries", json={"retries": 1}).status_code == 204
    [resolved] = check(
        owner.rest("GET", "/history/incident", params={"processInstanceId": iid, "resolved": "TRUE"}),
        "/history/incident",
    )
    assert resolved["id"] == opened["id"] and resolved["open"] is False and resolved["endTime"]
    counted = owner.rest("GET", "/history/incident/count", params={"processInstanceId": iid, "open": "true"})
    assert check(counted, "/history/incident/count") == {"count": 0}

    count = {"value": 2, "type": "Integer"}
    assert owner.rest("PUT", f"/process-instance/{iid}/variables/count", json=count).status_code == 204
    assert owner.rest("POST", f"/job/{job_id}/execute").status_code == 204
    log = check(owner.rest("GET", "/history/job-log", params={"jobId": job_id}), "/history/job-log")
    assert [(e["failureLog"], e["successLog"], e["jobRetries"]) for e in log] == [
        (True, False, 2), (True, False, 1), (True, False, 0), (False, True, None)
    ]
    assert all(e["processInstanceId"] == iid and e["activityId"] == "Timer_Hour" for e in log)
    assert "count" in (log[0]["jobExceptionMessage"] or "") or log[0]["jobExceptionMessage"]
    failures = owner.rest(
        "GET", "/history/job-log/count", params={"processInstanceId": iid, "failureLog": "true"}
    )
    assert check(failures, "/history/job-log/count") == {"count": 3}
    newest = owner.rest(
        "GET", "/history/job-log", params={"jobId": job_id, "sortBy": "timestamp", "sortOrder": "desc",
                                           "maxResults": 1}
    ).json()
    assert [e["timestamp"] for e in newest] == [max(e["timestamp"] for e in log)]

    # scoped: a lead unit sees neither; tenants are refused as everywhere
    assert lead.rest("GET", "/history/incident", params={"processInstanceId": iid}).json() == []
    none = lead.rest("GET", "/history/job-log/count", params={"processInstanceId": iid})
    assert none.json() == {"count": 0}
    refused = owner.rest("GET", "/history/job-log", params={"tenantIdIn": "a"})
    assert refused.status_code == 400 and "tenants" in refused.json()["message"]
    assert owner.rest("GET", "/history/incident", params={"colour": "red"}).status_code == 400
