"""Schemathesis against the operations issue 16 added, driven by Camunda 7.21's OpenAPI document, as a
worker/administrator (owner) and as a lead unit, bounded and seeded: no 5xx, JSON where JSON is due
(the same check as tests/http/test_schemathesis_engine.py, whose list of operations predates these)."""

from __future__ import annotations

import copy

import pytest
import requests

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from tests.http.test_schemathesis_engine import _content_type  # noqa: E402
from tests.integrators.test_external_task_workers import deploy_and_start  # noqa: E402

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


def _document(camunda_openapi: dict) -> dict:
    document = copy.deepcopy(camunda_openapi)
    document["paths"] = {
        path: {m: op for m, op in operations.items() if (path, m) in NEW}
        for path, operations in document["paths"].items()
        if any((path, m) in NEW for m in operations)
    }
    return document


@pytest.mark.parametrize("login", ["owner", "lead1"])
def test_the_new_operations_have_no_server_errors(server, camunda_openapi, login):
    deploy_and_start(server)  # an external task waits, so fetches and reports meet real rows too
    schema = schemathesis.openapi.from_dict(_document(camunda_openapi))
    session = requests.Session()
    session.auth = (login, "demo1234")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(NEW)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def probe(case) -> None:
                if (
                    case.method == "POST"
                    and case.path == "/external-task/fetchAndLock"
                    and isinstance(case.body, dict)
                ):
                    case.body["asyncResponseTimeout"] = 0  # no long poll in a fuzz run
                response = case.call(base_url=server.base + "/engine-rest", session=session, timeout=60)
                try:
                    case.validate_response(response, checks=[not_a_server_error])
                    if response.content:
                        kind = _content_type(response.headers)
                        assert kind.startswith(("application/json", "text/")), kind
                except Exception as exc:  # noqa: BLE001 - every failure is reported at the end
                    failures.append(
                        f"{login} {case.method} {response.request.url[:300]} -> "
                        f"{response.status_code}: {str(exc).strip()[:400]}"
                    )

            try:
                probe()
            except Unsatisfiable:
                pass
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{login} {mode.value} {operation.label}: {str(exc).strip()[:600]}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
