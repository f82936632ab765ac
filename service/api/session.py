"""Session login for the pages: POST /login (form), POST /logout. The REST edges keep HTTP Basic."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, redirect, request, session

from ..usecases import identities
from .auth import SESSION_LIFETIME, context, session_actor

bp = Blueprint("session", __name__)

LOGIN_FORM = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 / Sign in</title></head>
<body><h1>创新联合体备案业务系统</h1>
<form method="post" action="/login">
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


@bp.get("/login")
def login_form():
    from markupsafe import escape

    return LOGIN_FORM.format(next=escape(_safe_next(request.args.get("next"))), error="")


@bp.post("/login")
def login():
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    actor = identities.authenticate(context(), user_id=username, password=password) if username else None
    if actor is None:
        body = LOGIN_FORM.format(
            next="/", error="<p role='alert'>用户名或密码错误 / Wrong user or password</p>"
        )
        return body, 401, {"Content-Type": "text/html; charset=utf-8"}
    session.clear()  # a fresh session on every login (no fixation)
    session.permanent = True
    session["user_id"] = actor.id
    session["since"] = datetime.now(UTC).isoformat()
    return redirect(_safe_next(request.form.get("next")), code=303)


@bp.post("/logout")
def logout():
    session.clear()
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
