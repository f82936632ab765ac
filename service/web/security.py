"""CSRF tokens on every page form and security headers on every response.

A per-session token (the synchroniser-token pattern) rather than Flask-WTF: our forms are rendered from
JSON Schema, not WTForms, so only the token check would be used.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
FIELD = "csrf_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csrf_token() -> str:
    token = session.get(FIELD)
    if not token:
        token = session[FIELD] = secrets.token_urlsafe(32)
    return token


def check_csrf(blueprints: set[str]) -> None:
    """Refuse a state-changing page request whose token does not match the session's (400)."""
    if request.method not in UNSAFE or request.blueprint not in blueprints:
        return
    sent = request.form.get(FIELD) or request.headers.get("X-CSRF-Token") or ""
    expected = session.get(FIELD) or ""
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="csrf")


def install(app: Flask, blueprints: set[str]) -> None:
    app.before_request(lambda: check_csrf(blueprints))

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
