"""Identities over HTTP: users made with `consortium user add`, session login for the pages, the /api
document. HTTP Basic on /engine-rest is covered by the Modeler and authorization tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from service.cli import cli
from tests.support.pages import log_in, log_out
from tests.support.procedure import LEAD


def test_user_add_creates_a_user_who_can_sign_in_with_basic_and_session(server, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", server.ctx.config.database_url)
    runner = CliRunner()
    made = runner.invoke(
        cli,
        [
            "user",
            "add",
            "laoshan2",
            "--password",
            "s3cret-pass",
            "--group",
            "district_clerk",
            "--district",
            "崂山区",
        ],
    )
    assert made.exit_code == 0, made.output
    member = runner.invoke(
        cli, ["user", "add", "haizhi2", "--password", "s3cret-pass", "--group", "applicant", "--org", LEAD]
    )
    assert member.exit_code == 0, member.output
    refused = runner.invoke(cli, ["user", "add", "x", "--password", "short", "--group", "wiz ard"])
    assert refused.exit_code == 2 and "group" in refused.output and "password" in refused.output

    basic = server.client("laoshan2", password="s3cret-pass")
    assert basic.rest("GET", "/task/count").status_code == 200

    browser = server.client(None)
    signed_in = log_in(browser, "haizhi2", "s3cret-pass")
    assert signed_in.status_code == 303
    me = browser.get("/whoami").json()
    assert me["groups"] == ["applicant"] and me["organisation"] == LEAD


def test_session_login_logout_and_refusals(server):
    browser = server.client(None)
    assert browser.get("/api/consortia").status_code == 401
    wrong = log_in(browser, "city1", "nope")
    assert wrong.status_code == 401 and browser.get("/whoami").status_code == 401
    away = log_in(browser, "city1", next="//evil.example/")
    assert away.status_code == 303 and away.headers["Location"] == "/"  # no open redirect
    assert browser.get("/api/organisations").status_code == 200
    # The session is for pages and /api; /engine-rest keeps HTTP Basic, like Camunda.
    assert browser.get("/engine-rest/task").status_code == 401
    log_out(browser)
    assert browser.get("/api/organisations").status_code == 401


def test_an_old_session_expires(server):
    browser = server.client(None)
    log_in(browser, "city1")
    assert browser.get("/whoami").status_code == 200
    with server.app.test_request_context():
        from flask.sessions import SecureCookieSessionInterface

        serializer = SecureCookieSessionInterface().get_signing_serializer(server.app)
        live = serializer.loads(browser.cookies["session"])
        stale = serializer.dumps({**live, "since": (datetime.now(UTC) - timedelta(hours=9)).isoformat()})
    browser.cookies.clear()
    browser.cookies.set("session", stale, domain="127.0.0.1")
    assert browser.get("/whoami").status_code == 401


def test_the_domain_openapi_document_describes_the_registry_and_only_real_paths(server):
    document = server.client(None).get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    registry = {
        "/api/consortia",
        "/api/consortia/{consortium_id}",
        "/api/organisations",
        "/api/organisations/{credit_code}",
        "/api/filings",
        "/api/filings/{filing_no}",
    }
    assert registry <= set(document["paths"])
    schemas = document["components"]["schemas"]
    assert {"creditCode", "name", "category"} <= set(schemas["Organisation"]["properties"])
    assert schemas["ConsortiumDetail"]["properties"]["members"]["items"]["$ref"].endswith("/Member")
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in server.app.url_map.iter_rules()}
    stale = set(document["paths"]) - routes
    assert not stale, f"documented but not served: {sorted(stale)}"
