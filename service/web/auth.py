"""Page sign-in and sign-out on the same session as the API's /login (same keys, same lifetime).

Its own page because it needs the shell, both languages and a CSRF token; the session it creates is the
one `service.api.auth.session_actor` reads and expires.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from ..api.auth import end_session, login_failed, login_refusal, start_session, throttled_message
from ..api.session import _safe_next
from ..engine import identities
from .common import context
from .i18n import bilingual

bp = Blueprint("web_auth", __name__)


@bp.get("/signin")
def signin():
    return render_template("signin.html", next=_safe_next(request.args.get("next")), failed=False)


@bp.post("/signin")
def signin_post():
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    target = _safe_next(request.form.get("next"))
    refusal = login_refusal(username, "signin")
    if refusal is not None:
        page = render_template(
            "signin.html", next=target, failed=False, throttled=bilingual(throttled_message(refusal)),
            username=username,
        )
        return page, 429, {"Retry-After": str(refusal.retry_after)}
    found = identities.authenticate(context(), user_id=username, password=password) if username else None
    if found is None:
        login_failed(username)
        return render_template("signin.html", next=target, failed=True, username=username), 401
    start_session(found)  # a fresh session on every sign-in: no fixation
    return redirect(target if target != "/" else url_for("web_inbox.inbox"), code=303)


@bp.post("/signout")
def signout():
    end_session()  # revoked server-side: a copy of the old cookie no longer signs anyone in
    return redirect(url_for("web_auth.signin"), code=303)


@bp.get("/lang/<code>")
def switch_language(code: str):
    """Remember the language for this session; harmless as a GET, so it can be a plain link."""
    if code in ("zh", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")), code=303)


