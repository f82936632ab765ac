"""Fault 10: failed passwords are throttled per account and per client address on /signin, /login and
HTTP Basic: 429 with Retry-After, successful sign-ins not counted, each throttled window audited once."""

from __future__ import annotations

import json

import pytest
import requests
import sqlalchemy as sa
from requests.adapters import HTTPAdapter

from service.engine.store.models import AuditEvent
from tests.support.pages import log_in, sign_in

ACCOUNT, ADDRESS = 3, 5  # the test app's limits, per 5 minutes


class FromAddress(HTTPAdapter):
    """Connect from another loopback address (127.0.0.0/8 is all local on Linux)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@pytest.fixture
def app(server):
    server.app.config["LOGIN_LIMITS"] = (f"{ACCOUNT} per 5 minutes", f"{ADDRESS} per 5 minutes")
    return server


def elsewhere(server, login: str | None = None):
    client = server.client(login)
    client.mount("http://", FromAddress("127.0.0.2"))
    return client


def throttled_events(server) -> list[dict]:
    with server.ctx.unit_of_work(write=False) as uow:
        rows = uow.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "auth.throttled")).all()
        assert all(r.stream == "global" for r in rows)
        return [json.loads(r.detail_json) for r in rows]


def retry_after(response: requests.Response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 300
    return seconds


def test_signin_page_throttles_the_account_after_the_limit(app, clock):
    browser = app.client(None)
    for _ in range(ACCOUNT):
        assert sign_in(browser, "city1", "wrong-password").status_code == 401
    refused = sign_in(browser, "city1")  # even the right password: guessing gains nothing
    assert refused.status_code == 429 and retry_after(refused)
    assert "登录失败次数过多" in refused.text
    assert sign_in(browser, "city1", "wrong-password").status_code == 429
    # another account from another address is not affected
    assert sign_in(elsewhere(app), "district1").status_code == 303
    [event] = throttled_events(app)  # one audit row per throttled window, however many refusals
    assert event["user"] == "city1" and event["scope"] == "account" and event["edge"] == "signin"
    assert event["address"] == "127.0.0.1"
    clock.advance(minutes=5, seconds=1)
    assert sign_in(browser, "city1").status_code == 303  # the window is over


def test_login_form_throttles_and_answers_retry_after(app):
    browser = app.client(None)
    for _ in range(ACCOUNT):
        assert log_in(browser, "lead1", "wrong-password").status_code == 401
    refused = log_in(browser, "lead1")
    assert refused.status_code == 429 and retry_after(refused)
    assert "Too many failed sign-ins" in refused.text
    assert log_in(elsewhere(app), "member1").status_code == 303
    assert [e["edge"] for e in throttled_events(app)] == ["login"]


def test_http_basic_throttles_with_json(app):
    guesser = app.client("owner", password="wrong-password")
    for _ in range(ACCOUNT):
        assert guesser.rest("GET", "/task/count").status_code == 401
    for answer in (guesser.rest("GET", "/task/count"), guesser.get("/api/consortia")):
        assert answer.status_code == 429 and retry_after(answer)
        assert answer.json()["retryAfterSeconds"] == int(answer.headers["Retry-After"])
    right = app.client("owner")  # the right password is refused too while the account is throttled
    assert right.rest("GET", "/task/count").status_code == 429
    assert elsewhere(app, "city1").rest("GET", "/task/count").status_code == 200
    [event] = throttled_events(app)
    assert event["edge"] == "basic" and event["user"] == "owner"


def test_a_client_whose_password_was_verified_moments_ago_works_on_while_others_guess(app):
    """Credentials verified within the credential cache's window are no guess: taken without the
    throttle's reads (issue 18), so a guesser cannot lock out a working integration either."""
    worker = app.client("owner")
    assert worker.rest("GET", "/task/count").status_code == 200
    guesser = app.client("owner", password="wrong-password")
    for _ in range(ACCOUNT):
        assert guesser.rest("GET", "/task/count").status_code == 401
    assert guesser.rest("GET", "/task/count").status_code == 429
    assert worker.rest("GET", "/task/count").status_code == 200
    assert app.client("owner", password="another-guess").rest("GET", "/task/count").status_code == 429


def test_the_address_is_throttled_across_accounts_and_edges(app):
    browser = app.client(None)
    for login in ("member1", "member2", "member3"):
        assert sign_in(browser, login, "wrong-password").status_code == 401
    for login in ("member4", "member5"):
        assert log_in(browser, login, "wrong-password").status_code == 401
    refused = app.client("expert1").rest("GET", "/task/count")  # a sixth account, right password
    assert refused.status_code == 429 and retry_after(refused)
    assert sign_in(elsewhere(app), "expert1").status_code == 303
    [event] = throttled_events(app)
    assert event["scope"] == "address" and event["address"] == "127.0.0.1"


def test_successful_sign_ins_do_not_count(app):
    browser = app.client(None)
    for _ in range(ACCOUNT + ADDRESS):
        assert sign_in(browser, "city2").status_code == 303
    assert sign_in(browser, "city2", "wrong-password").status_code == 401
    assert throttled_events(app) == []
