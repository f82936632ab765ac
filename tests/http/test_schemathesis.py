"""Schemathesis against /api/openapi.json on a live server (issue 11, fault 11): no 5xx, no schema violation.

The issue's run (52,675 requests) found 222 server errors on 9 operations. This is a bounded, seeded run
(hypothesis derandomized, no example database) of every documented operation, with valid and invalid
data, signed in as the city bureau and anonymously, checking `not_a_server_error`,
`response_schema_conformance` and `content_type_conformance`, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest
import requests

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
)

from schemathesis.checks import not_a_server_error  # noqa: E402  # isort: skip

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = {"city1": 8, None: 3}  # per operation and generation mode: well under a minute per database


def _run(server, login: str | None, operation, mode: GenerationMode, failures: list[str]) -> None:
    session = requests.Session()
    if login is not None:
        session.auth = (login, "demo1234")

    @settings(
        max_examples=EXAMPLES[login],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def probe(case) -> None:
        response = case.call(base_url=server.base, session=session, timeout=60)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - every failure is reported at the end
            failures.append(
                f"{login} {mode.value} {case.method} {response.request.url} -> {response.status_code}: "
                f"{str(exc).strip()[:600]}"
            )

    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - schemathesis raises what hypothesis found: report it
        failures.append(f"{login} {mode.value} {operation.label}: {str(exc).strip()[:600]}")


def _operations(server) -> list:
    schema = schemathesis.openapi.from_url(server.base + "/api/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("login", ["city1", None], ids=["clerk", "anonymous"])
def test_the_domain_api_has_no_server_errors_and_keeps_its_schema(server, login):
    failures: list[str] = []
    operations = _operations(server)
    assert len(operations) >= 40
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(server, login, operation, mode, failures)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
