"""Malformed input at the HTTP edges (issue 11, fault 11): a 4xx naming the problem, in the API's JSON shape.

The issue's hand list got 24 of 31 500s on SQLite and 31 of 31 on PostgreSQL: numbers coerced before the
role check, ids and offsets beyond 2^31/2^63, year-1 dates, 100,000-deep JSON, lone surrogates, NUL bytes
(even anonymous), over-long business keys, unstorable variables, HTML errors under /api, NaN in JSON.
Each probe runs over real HTTP against a live server on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from service.bootstrap import build_context
from service.config import Config
from tests.http.conftest import Server

START = "/engine-rest/process-definition/key/consortium_recommendation/start"
WINDOW = {"startsAt": "2026-03-05T09:00:00+08:00", "endsAt": "2026-03-05T10:00:00+08:00"}
ROUND = {"name": "r", "opensAt": "2026-03-05T09:00:00+08:00", "closesAt": "2026-04-05T09:00:00+08:00"}
DEEP = b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
JSON = {"Content-Type": "application/json"}
NUL_BASIC = {"Authorization": "Basic YQBiOnBhc3N3b3Jk"}  # base64("a\0b:password")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, sqlite_factory) -> Iterator[Server]:
    """One server per database for the whole list (the probes change nothing a later probe reads)."""
    if request.param == "sqlite":
        url, drop = sqlite_factory.new_database(), None
    else:
        factory = request.getfixturevalue("postgres_factory")
        url, drop = factory.new_database(), factory.drop
    ctx = build_context(Config(database_url=url))
    server = Server(ctx)
    server.thread.start()
    yield server
    server.http.shutdown()
    server.thread.join(timeout=10)
    ctx.db.dispose()
    if drop:
        drop(url)


# (id, login, method, path, request kwargs, status, field or words the message must name)
PROBES: list[tuple[str, str | None, str, str, dict[str, Any], int, str | None]] = [
    # role checks come before any coercion: a non-clerk learns 403 whatever it sent
    ("role-session", "lead1", "POST", "/api/sessions", {"json": {"roundId": "x", "room": "A"}}, 403, None),
    (
        "role-round",
        "lead1",
        "POST",
        "/api/rounds",
        {"json": {"passingScore": "abc", "panelSize": "x"}},
        403,
        None,
    ),
    ("role-slots", "lead1", "GET", "/api/sessions/free-slots?day=2026-03-05&minutes=abc", {}, 403, None),
    (
        "role-start",
        "city1",
        "POST",
        START,
        {"json": {"variables": {"n": {"value": "x", "type": "Integer"}}}},
        403,
        None,
    ),
    (
        "role-task",
        "district2",
        "POST",
        "/engine-rest/task/nope/complete",
        {"json": {"variables": {"n": {"value": "x", "type": "Integer"}}}},
        404,
        None,
    ),
    (
        "coerce-minutes",
        "city1",
        "GET",
        "/api/sessions/free-slots?day=2026-03-05&minutes=abc",
        {},
        400,
        "minutes",
    ),
    (
        "coerce-round-id",
        "city1",
        "POST",
        "/api/sessions",
        {"json": {"roundId": "x", "room": "A", **WINDOW}},
        422,
        "roundId",
    ),
    (
        "coerce-score",
        "city1",
        "POST",
        "/api/rounds",
        {"json": {**ROUND, "passingScore": "NaN"}},
        422,
        "passingScore",
    ),
    (
        "coerce-size",
        "city1",
        "POST",
        "/api/rounds",
        {"json": {**ROUND, "panelSize": 2**63}},
        422,
        "panelSize",
    ),
    # ids and offsets out of the columns' range
    ("id-2^63", "city1", "GET", "/api/consortia/9223372036854775808", {}, 400, "consortium_id"),
    ("id-2^31", "city1", "GET", "/api/consortia/2147483648", {}, 400, "consortium_id"),
    ("id-round-huge", "city1", "GET", "/api/rounds/99999999999999999999", {}, 400, "round_id"),
    ("id-notification", "city1", "POST", "/api/notifications/2147483648/read", {}, 400, "notification_id"),
    ("id-supervision", "city1", "GET", "/api/consortia/4294967296/supervision", {}, 400, "consortium_id"),
    (
        "query-round-id",
        "city1",
        "GET",
        "/api/evaluation-results?roundId=9223372036854775808",
        {},
        400,
        "roundId",
    ),
    (
        "first-result",
        "city1",
        "GET",
        "/engine-rest/task?firstResult=9223372036854775808",
        {},
        400,
        "firstResult",
    ),
    (
        "first-result-huge",
        "city1",
        "GET",
        "/engine-rest/process-instance?firstResult=" + "9" * 30,
        {},
        400,
        "firstResult",
    ),
    (
        "version",
        "city1",
        "GET",
        "/engine-rest/process-definition?version=9223372036854775808",
        {},
        400,
        "version",
    ),
    # dates no one can mean
    (
        "due-year-1",
        "city1",
        "GET",
        "/engine-rest/task?dueBefore=0001-01-01T00:00:00.000%2B0000",
        {},
        400,
        "dueBefore",
    ),
    (
        "history-year-1",
        "city1",
        "GET",
        "/engine-rest/history/process-instance?startedAfter=0001-01-01T00:00:00",
        {},
        400,
        "startedAfter",
    ),
    (
        "round-year-1",
        "city1",
        "POST",
        "/api/rounds",
        {"json": {**ROUND, "opensAt": "0001-01-01T00:00:00+08:00"}},
        422,
        "opensAt",
    ),
    (
        "affiliation-year-1",
        "city1",
        "POST",
        "/api/experts/expert1/affiliations",
        {"json": {"creditCode": "91370212MA3C10017E", "since": "0001-01-01"}},
        422,
        "since",
    ),
    ("slots-year-1", "city1", "GET", "/api/sessions/free-slots?day=0001-01-01", {}, 400, "day"),
    # JSON nested 100,000 deep
    ("deep-engine", "city1", "POST", "/engine-rest/task", {"data": DEEP, "headers": JSON}, 400, "nested"),
    ("deep-api", "city1", "POST", "/api/rounds", {"data": DEEP, "headers": JSON}, 400, "nested"),
    ("deep-anonymous", None, "POST", "/api/rounds", {"data": DEEP, "headers": JSON}, 400, "nested"),
    # lone surrogates
    (
        "surrogate-query-body",
        "city1",
        "POST",
        "/engine-rest/task",
        {"data": b'{"assignee": "\\ud800"}', "headers": JSON},
        400,
        "assignee",
    ),
    (
        "surrogate-api",
        "city1",
        "POST",
        "/api/rounds",
        {"data": b'{"name": "\\ud800x"}', "headers": JSON},
        400,
        "name",
    ),
    (
        "surrogate-key",
        "lead1",
        "POST",
        START,
        {"data": b'{"businessKey": "\\udfff"}', "headers": JSON},
        400,
        "businessKey",
    ),
    (
        "surrogate-variable-name",
        "lead1",
        "POST",
        START,
        {"data": b'{"variables": {"\\ud800": {"value": 1}}}', "headers": JSON},
        400,
        "surrogate",
    ),
    # NUL bytes, anonymous too: they never reach PostgreSQL
    ("nul-basic-engine", None, "GET", "/engine-rest/task", {"headers": NUL_BASIC}, 400, "username"),
    ("nul-basic-api", None, "GET", "/api/consortia", {"headers": NUL_BASIC}, 400, "username"),
    (
        "nul-login",
        None,
        "POST",
        "/login",
        {
            "data": "username=a%00b&password=x",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        400,
        "username",
    ),
    ("nul-query", "city1", "GET", "/engine-rest/task?assignee=a%00b", {}, 400, "assignee"),
    ("nul-api-query", "city1", "GET", "/api/consortia?status=a%00b", {}, 400, "status"),
    ("nul-path", "city1", "GET", "/api/organisations/a%00b", {}, 400, "path"),
    ("nul-key", "lead1", "POST", START, {"json": {"businessKey": "a\x00b"}}, 400, "businessKey"),
    # values that cannot be stored
    ("key-101", "lead1", "POST", START, {"json": {"businessKey": "K" * 101}}, 400, "businessKey"),
    ("key-41-application", "lead1", "POST", START, {"json": {"businessKey": "K" * 41}}, 400, "businessKey"),
    (
        "double-nan",
        "lead1",
        "POST",
        START,
        {"json": {"variables": {"x": {"value": "NaN", "type": "Double"}}}},
        400,
        "x",
    ),
    (
        "json-infinity",
        "lead1",
        "POST",
        START,
        {"json": {"variables": {"x": {"value": "[1e999]", "type": "Json"}}}},
        400,
        "x",
    ),
    (
        "number-overflow",
        "lead1",
        "POST",
        START,
        {"data": b'{"variables": {"x": {"value": 1e999}}}', "headers": JSON},
        400,
        "range",
    ),
    (
        "number-digits",
        "lead1",
        "POST",
        START,
        {"data": b'{"variables": {"x": {"value": ' + b"9" * 5000 + b"}}}", "headers": JSON},
        400,
        "number",
    ),
    (
        "nan-literal",
        "city1",
        "POST",
        "/api/rounds",
        {"data": b'{"passingScore": NaN}', "headers": JSON},
        400,
        "NaN",
    ),
    ("long-name", "city1", "POST", "/api/rounds", {"json": {**ROUND, "name": "长" * 5000}}, 422, "name"),
    # /api answers JSON for routing and protocol errors too
    ("api-404", "city1", "GET", "/api/no-such-thing", {}, 404, None),
    ("api-405", "city1", "DELETE", "/api/consortia", {}, 405, None),
    (
        "api-413",
        "city1",
        "POST",
        "/api/rounds",
        {"data": b"{" + b" " * (13 * 1024 * 1024) + b"}", "headers": JSON},
        413,
        None,
    ),
    ("api-bad-json", "city1", "POST", "/api/rounds", {"data": b"{oops", "headers": JSON}, 400, "JSON"),
]


@pytest.mark.parametrize(
    "login,method,path,kwargs,status,names", [p[1:] for p in PROBES], ids=[p[0] for p in PROBES]
)
def test_malformed_input_is_refused_in_the_edges_json_shape(live, login, method, path, kwargs, status, names):
    client = live.client(login)
    response = client.request(method, path, **kwargs)
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:200]
    body = response.json()
    if path.startswith("/engine-rest"):
        assert isinstance(body["type"], str) and body["type"].endswith("Exception")
    else:
        assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    if names:
        assert names in json.dumps(body, ensure_ascii=False), body


def test_the_server_still_serves_after_the_list(live):
    """None of the probes broke a connection pool or left a transaction open."""
    assert live.client("city1").get("/api/consortia").status_code == 200
    assert live.client(None).get("/health").json()["status"] == "ok"


def test_list_operations_answer_what_the_document_says(live):
    document = live.client(None).get("/api/openapi.json").json()
    city = live.client("city1")
    for path in ("/api/rounds", "/api/experts", "/api/consortia", "/api/filings", "/api/organisations"):
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        answered = city.get(path).json()
        assert schema["type"] == "array" and isinstance(answered, list), path


def test_responses_never_carry_nan(live):
    """Non-finite numbers are refused coming in and sent as null if one was stored before."""
    from service.api.edge import JSONProvider

    provider = JSONProvider(live.app)
    text = provider.dumps({"score": math.nan, "items": [math.inf, 1.5]})
    assert json.loads(text) == {"score": None, "items": [None, 1.5]}
    response = requests.post(
        live.base + START,
        data=b'{"variables": {"x": {"value": NaN}}}',
        headers=JSON,
        auth=("lead1", "demo1234"),
        timeout=60,
    )
    assert response.status_code == 400
    json.loads(response.text, parse_constant=lambda name: pytest.fail(f"{name} in a response"))


def _duplicate_organisation(ctx) -> None:
    """A real unique violation on the real database (the register already holds the lead unit)."""
    from service.consortium.store.models import Organisation

    with ctx.unit_of_work() as uow:
        uow.session.add(Organisation(credit_code="91370212MA3C10017E", name="重复", category="other"))
        uow.session.flush()


def _unstorable_value(ctx) -> None:
    """A real DataError (PostgreSQL) or OverflowError (SQLite): an id no INTEGER column can hold."""
    import sqlalchemy as sa

    from service.consortium.store.models import Consortium

    with ctx.unit_of_work() as uow:
        uow.session.scalars(sa.select(Consortium).where(Consortium.id == 2**70)).first()


@pytest.mark.parametrize(
    "fail,status,kind", [(_duplicate_organisation, 409, "RestException"), (_unstorable_value, 400, None)]
)
def test_storage_errors_map_once_never_a_500(server, monkeypatch, fail, status, kind):
    """Storage refusals, wherever a command meets one, answer 409/400 in each edge's own shape."""
    from service.consortium import registry
    from service.engine import browse

    monkeypatch.setattr(browse, "list_instances", lambda ctx, **_: fail(ctx))
    monkeypatch.setattr(registry, "list_consortia", lambda ctx, **_: fail(ctx))
    engine = server.client("city1").get("/engine-rest/process-instance")
    assert engine.status_code == status, engine.text
    assert engine.json()["type"] == (kind or "InvalidRequestException")
    api = server.client("city1").get("/api/consortia")
    assert api.status_code == status, api.text
    assert api.json()["error"] in ("Conflict", "MalformedRequest") and api.json()["message"]
