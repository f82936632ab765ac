"""Schemathesis against the identity operations (issue 15 item 2), driven by Camunda 7.21's OpenAPI
document, as an administrator (who may write) and as a lead unit (who may read only themselves), bounded
and seeded: no 5xx, JSON where JSON is due (the check of tests/http/test_schemathesis_engine.py)."""

from __future__ import annotations

import pytest
import requests

pytest.importorskip("schemathesis")

from tests.support.fuzz import engine_rest_operations, probe_engine_rest  # noqa: E402

EXAMPLES = 4
IDENTITY = {
    ("/user", "get"),
    ("/user/count", "get"),
    ("/user/create", "post"),
    ("/user/{id}", "delete"),
    ("/user/{id}/profile", "get"),
    ("/group", "get"),
    ("/group", "post"),
    ("/group/count", "get"),
    ("/group/count", "post"),
    ("/group/create", "post"),
    ("/group/{id}", "get"),
    ("/group/{id}/members/{userId}", "put"),
    ("/group/{id}/members/{userId}", "delete"),
    ("/identity/groups", "get"),
}


@pytest.mark.parametrize("login", ["admin", "lead1"])
def test_the_identity_operations_have_no_server_errors(server, camunda_openapi, login):
    operations = engine_rest_operations(camunda_openapi, IDENTITY)
    assert len(operations) == len(IDENTITY)
    # DELETE /user/{id} is fuzzed below with ids that exist only for it: the demo users must stay
    kept = [op for op in operations if not (op.method.upper() == "DELETE" and op.path == "/user/{id}")]
    failures = probe_engine_rest(server, kept, login, examples=EXAMPLES)
    session = requests.Session()
    session.auth = (login, "demo1234")
    for user_id in ("nobody", "", "%00", "a" * 300, "admin"):
        answer = session.delete(f"{server.base}/engine-rest/user/{user_id}", timeout=60)
        if answer.status_code >= 500:
            failures.append(f"{login} DELETE /user/{user_id[:20]} -> {answer.status_code}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
