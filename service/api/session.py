"""Session login for the pages: POST /login (form), POST /logout. The REST edges keep HTTP Basic.

Both POSTs carry the form's CSRF token (checked by service/web/security.py, like every page form): a
forged cross-site login would otherwise sign the victim in as the attacker.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, jsonify, redirect, request
from markupsafe import escape

from ..engine import identities
from .auth import (
    SESSION_LIFETIME,
    context,
    end_session,
    login_failed,
    login_refusal,
    session_actor,
    start_session,
    throttled_message,
)

bp = Blueprint("session", __name__)

LOGIN_FORM = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 / Sign in</title></head>
<body><h1>创新联合体备案业务系统</h1>
<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="{csrf}">
<label>用户名 / User <input name="username" autocomplete="username" required></label>
<label>密码 / Password
<input name="password" type="password" autocomplete="current-password" required></label>
<input type="hidden" name="next" value="{next}">
<button type="submit">登录 / Sign in</button></form>{error}</body></html>"""


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login form must not become an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


def _form(next_path: str, error: str = "") -> str:
    from ..web.security import csrf_token

    return LOGIN_FORM.format(next=escape(next_path), error=error, csrf=escape(csrf_token()))


@bp.get("/login")
def login_form():
    return _form(_safe_next(request.args.get("next")))


@bp.post("/login")
def login():
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    html = {"Content-Type": "text/html; charset=utf-8"}
    refusal = login_refusal(username, "login")
    if refusal is not None:
        error = f"<p role='alert'>{escape(throttled_message(refusal))}</p>"
        return _form("/", error), 429, {**html, "Retry-After": str(refusal.retry_after)}
    actor = identities.authenticate(context(), user_id=username, password=password) if username else None
    if actor is None:
        login_failed(username)
        return _form("/", "<p role='alert'>用户名或密码错误 / Wrong user or password</p>"), 401, html
    start_session(actor)  # a fresh session on every login (no fixation)
    return redirect(_safe_next(request.form.get("next")), code=303)


@bp.post("/logout")
def logout():
    end_session()
    return redirect("/login", code=303)


@bp.get("/whoami")
def whoami():
    actor = session_actor()
    if actor is None:
        return jsonify(error="Unauthorized", message="需要登录 / Authentication required"), 401
    return jsonify(
        id=actor.id,
        groups=sorted(actor.groups),
        organisation=actor.org_credit_code,
        district=actor.district,
        sessionLifetimeSeconds=int(SESSION_LIFETIME.total_seconds()),
    )
