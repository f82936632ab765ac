"""Fault 12 (sessions): sign-out revokes the session server-side; /login and /logout need the CSRF token."""

from __future__ import annotations

from tests.support.pages import form_token, log_in, log_out, sign_in


def _replay(server, cookie: str):
    thief = server.client(None)
    thief.cookies.set("session", cookie, domain="127.0.0.1")
    return thief


def test_a_cookie_copied_before_signout_no_longer_signs_in(server):
    browser = server.client(None)
    assert sign_in(browser, "city1").status_code == 303
    copied = browser.cookies["session"]
    assert _replay(server, copied).get("/", allow_redirects=False).status_code == 200  # live: the inbox
    out = log_out(browser, "/signout")
    assert out.status_code == 303
    thief = _replay(server, copied)
    page = thief.get("/", allow_redirects=False)
    assert page.status_code == 302 and "/signin" in page.headers["Location"]
    assert thief.get("/whoami").status_code == 401
    assert thief.get("/api/organisations").status_code == 401


def test_logout_revokes_the_api_session_too(server):
    browser = server.client(None)
    assert log_in(browser, "lead1").status_code == 303
    copied = browser.cookies["session"]
    assert _replay(server, copied).get("/whoami").json()["id"] == "lead1"
    assert log_out(browser).status_code == 303
    assert _replay(server, copied).get("/whoami").status_code == 401
    # signing in again gives a new, working session; the old copy stays dead
    assert log_in(browser, "lead1").status_code == 303
    assert browser.get("/whoami").status_code == 200
    assert _replay(server, copied).get("/whoami").status_code == 401


def test_login_and_logout_refuse_a_post_without_the_csrf_token(server):
    browser = server.client(None)
    forged = browser.post(
        "/login", data={"username": "city1", "password": "demo1234"}, allow_redirects=False
    )
    assert forged.status_code == 400 and browser.get("/whoami").status_code == 401
    wrong_token = browser.post(
        "/login", data={"csrf_token": "forged", "username": "city1", "password": "demo1234"},
        allow_redirects=False,
    )
    assert wrong_token.status_code == 400 and browser.get("/whoami").status_code == 401

    assert log_in(browser, "city1").status_code == 303
    assert browser.post("/logout", allow_redirects=False).status_code == 400  # a cross-site sign-out
    assert browser.get("/whoami").status_code == 200
    token = form_token(browser, "/login")
    assert browser.post("/logout", data={"csrf_token": token}, allow_redirects=False).status_code == 303
    assert browser.get("/whoami").status_code == 401


def test_basic_clients_need_no_token(server):
    owner = server.client("owner")
    assert owner.rest("GET", "/task/count").status_code == 200
    assert owner.get("/api/organisations").status_code == 200
