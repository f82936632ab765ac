"""Signing in through the pages as a browser does: fetch the form, send its CSRF token back."""

from __future__ import annotations

import re

import requests

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(client: requests.Session, path: str) -> str:
    """The CSRF token of the first form on the page at `path`."""
    page = client.get(path)
    found = TOKEN.search(page.text)
    assert found, f"no csrf_token on {path} ({page.status_code})"
    return found.group(1)


def sign_in(client: requests.Session, login: str, password: str = "demo1234") -> requests.Response:
    """POST /signin with the page's token; returns the (unfollowed) answer."""
    token = form_token(client, "/signin")
    return client.post(
        "/signin",
        data={"csrf_token": token, "username": login, "password": password},
        allow_redirects=False,
    )


def log_in(
    client: requests.Session, login: str, password: str = "demo1234", **extra: str
) -> requests.Response:
    """POST /login (the API's form login) with the token its form carries; returns the unfollowed answer."""
    token = form_token(client, "/login")
    return client.post(
        "/login",
        data={"csrf_token": token, "username": login, "password": password, **extra},
        allow_redirects=False,
    )


def log_out(client: requests.Session, path: str = "/logout") -> requests.Response:
    """POST /logout (or /signout) with the session's token, as the page's sign-out button does."""
    token = form_token(client, "/login")
    return client.post(path, data={"csrf_token": token}, allow_redirects=False)
