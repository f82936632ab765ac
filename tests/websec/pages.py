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
