"""Schemathesis against the operations issue 16 added, driven by Camunda 7.21's OpenAPI document, as a
worker/administrator (owner) and as a lead unit, bounded and seeded: no 5xx, JSON where JSON is due
(the same check as tests/http/test_schemathesis_engine.py, whose list of operations predates these)."""

from __future__ import annotations

import pytest

pytest.importorskip("schemathesis")

from tests.integrators.test_external_task_workers import deploy_and_start  # noqa: E402
from tests.support.fuzz import engine_rest_operations, probe_engine_rest  # noqa: E402

EXAMPLES = 3
NEW = {
    ("/task/{id}/variables/{varName}", "get"),
    ("/task/{id}/variables/{varName}", "put"),
    ("/task/{id}/variables/{varName}", "delete"),
    ("/task/{id}/variables", "post"),
    ("/task/{id}/localVariables", "get"),
    ("/task/{id}/localVariables", "post"),
    ("/task/{id}/localVariables/{varName}", "get"),
    ("/task/{id}/localVariables/{varName}", "put"),
    ("/task/{id}/localVariables/{varName}", "delete"),
    ("/external-task", "get"),
    ("/external-task", "post"),
    ("/external-task/count", "get"),
    ("/external-task/count", "post"),
    ("/external-task/topic-names", "get"),
    ("/external-task/{id}", "get"),
    ("/external-task/fetchAndLock", "post"),
    ("/external-task/{id}/complete", "post"),
    ("/external-task/{id}/failure", "post"),
    ("/external-task/{id}/bpmnError", "post"),
    ("/external-task/{id}/extendLock", "post"),
    ("/external-task/{id}/lock", "post"),
    ("/external-task/{id}/unlock", "post"),
    ("/external-task/{id}/retries", "put"),
    ("/external-task/{id}/errorDetails", "get"),
    ("/process-instance/{id}", "delete"),
    ("/process-instance/{id}/suspended", "put"),
    ("/process-instance/suspended", "put"),
    ("/process-instance/{id}/variables", "post"),
    ("/process-instance/{id}/variables/{varName}", "get"),
    ("/process-instance/{id}/variables/{varName}", "put"),
    ("/process-instance/{id}/variables/{varName}", "delete"),
    ("/job", "get"),
    ("/job", "post"),
    ("/job/count", "get"),
    ("/job/count", "post"),
    ("/job/{id}", "get"),
    ("/execution", "get"),
    ("/execution", "post"),
    ("/execution/count", "get"),
    ("/execution/count", "post"),
    ("/execution/{id}", "get"),
    ("/execution/{id}/messageSubscriptions/{messageName}", "get"),
    ("/execution/{id}/messageSubscriptions/{messageName}/trigger", "post"),
    ("/variable-instance", "get"),
    ("/variable-instance", "post"),
    ("/variable-instance/count", "get"),
    ("/variable-instance/{id}", "get"),
}


def _no_long_poll(case) -> None:
    if case.method == "POST" and case.path == "/external-task/fetchAndLock" and isinstance(case.body, dict):
        case.body["asyncResponseTimeout"] = 0  # no long poll in a fuzz run


@pytest.mark.parametrize("login", ["owner", "lead1"])
def test_the_new_operations_have_no_server_errors(server, camunda_openapi, login):
    deploy_and_start(server)  # an external task waits, so fetches and reports meet real rows too
    operations = engine_rest_operations(camunda_openapi, NEW)
    assert len(operations) == len(NEW)
    failures = probe_engine_rest(server, operations, login, examples=EXAMPLES, prepare=_no_long_poll)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
