"""Schemathesis runs against /engine-rest, shared by the suites that fuzz a subset of Camunda 7.21's
OpenAPI document: bounded and seeded (hypothesis derandomized, no example database), valid and invalid
data, checking what matters for robustness on every operation: no 5xx, and JSON (or text) where a body
is due. Every failure is collected and reported at the end rather than stopping at the first."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

Operation = tuple[str, str]  # (Camunda path template, lower-case method)


def engine_rest_operations(camunda_openapi: dict, wanted: set[Operation]) -> list:
    """The schemathesis operations of Camunda's document restricted to `wanted`."""
    document = copy.deepcopy(camunda_openapi)
    document["paths"] = {
        path: {m: op for m, op in operations.items() if (path, m) in wanted}
        for path, operations in document["paths"].items()
        if any((path, m) in wanted for m in operations)
    }
    schema = schemathesis.openapi.from_dict(document)
    return [result.ok() for result in schema.get_all_operations()]


def content_type(headers) -> str:
    """The response's Content-Type, whatever the header mapping's shape."""
    found = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    return found[0] if isinstance(found, list) else found


def probe_engine_rest(
    server,
    operations: Iterable,
    login: str,
    *,
    examples: int,
    prepare: Callable | None = None,
) -> list[str]:
    """Fuzz each operation as `login` (password demo1234) with `examples` valid and `examples` invalid
    cases; `prepare(case)` may adjust a case before it is sent. Returns the failures, one line each."""
    session = requests.Session()
    session.auth = (login, "demo1234")
    failures: list[str] = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def probe(case) -> None:
                if prepare is not None:
                    prepare(case)
                response = case.call(base_url=server.base + "/engine-rest", session=session, timeout=60)
                try:
                    case.validate_response(response, checks=[not_a_server_error])
                    if response.content:
                        kind = content_type(response.headers)
                        assert kind.startswith(("application/json", "text/")), kind
                except Exception as exc:  # noqa: BLE001 - every failure is reported at the end
                    failures.append(
                        f"{login} {case.method} {response.request.url[:300]} -> {response.status_code}: "
                        f"{str(exc).strip()[:400]}"
                    )

            try:
                probe()
            except Unsatisfiable:
                pass  # no invalid value exists for this operation's parameters (e.g. a free-text path id)
            except Exception as exc:  # noqa: BLE001 - what hypothesis re-raises is reported too
                failures.append(f"{login} {mode.value} {operation.label}: {str(exc).strip()[:600]}")
    return failures
