"""Idempotency tokens on page forms: a replayed submission returns the first result instead of acting again.

Every page form carries a fresh random token (`idem_field()` in the template, beside the CSRF token). A POST
claims its token before the handler runs (a committed row keyed by who sent it, the path and the token);
when the handler redirects (post/redirect/get: every page POST that acts answers 303), the page it
redirected to is stored with the claim. The same token sent again (a reload of a POST, a double click, a
browser or proxy retrying) is not handled again: it is redirected to the first result, e.g. the first
objection's receipt. A handler that refused (a re-rendered form, an error) releases its claim, so the form
can be corrected and sent again. A claim still pending (the first submission still running) is waited for
a few seconds; one whose outcome is unknown (the process died) answers 409 rather than risk acting twice.

Sign-in and sign-out are left out: replaying them changes nothing the user would not redo by hand.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time

from flask import Flask, abort, flash, g, redirect, request, session
from markupsafe import Markup

from ..engine import idempotency
from .common import context, current_actor
from .i18n import bilingual

FIELD = "idem"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
UNGUARDED = {"web_auth"}
REPLAY_WAIT = 10.0  # seconds a replay waits for the first submission of its token to finish
MISSING = (
    "表单缺少提交令牌，请刷新页面后重新提交"
    " / The form has no submission token: reload the page and send it again"
)
UNKNOWN = (
    "该表单已提交过，但其结果尚未确定；请先查看待办或回执，勿重复提交"
    " / This form was already sent and its outcome is not known yet: check your inbox or receipt before"
    " sending it again"
)
REPLAYED = "该表单已提交过，以下是首次提交的结果 / This form was already sent: here is the first result"


def field() -> Markup:
    """The hidden input every page form carries: a new token per rendering of the form."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, secrets.token_urlsafe(24))


def _key(token: str) -> str:
    who = current_actor()
    owner = f"user:{who.id}" if who is not None else f"session:{session.get('csrf_token', '')}"
    return hashlib.sha256(f"{owner}\n{request.path}\n{token}".encode()).hexdigest()


def _claim(guarded: set[str]):
    if request.method != "POST" or request.blueprint not in guarded:
        return None
    token = request.form.get(FIELD) or ""
    if not TOKEN.fullmatch(token):
        abort(400, description=bilingual(MISSING))
    ctx, key = context(), _key(token)
    earlier = idempotency.claim(ctx, key=key, path=request.path, now=ctx.now())
    if earlier is None:
        g.idem_key = key
        return None
    deadline = time.monotonic() + REPLAY_WAIT
    while earlier is not None and earlier.state == "pending" and time.monotonic() < deadline:
        time.sleep(0.1)
        earlier = idempotency.find(ctx, key)
    if earlier is None:  # the first submission was refused meanwhile: this one may act
        return _claim(guarded)
    if earlier.state != "done" or not earlier.location:
        abort(409, description=bilingual(UNKNOWN))
    flash(bilingual(REPLAYED), "info")
    return redirect(earlier.location, code=303)


def refused() -> None:
    """Mark this request's submission as not acted on (a refusal rendered as a redirect back)."""
    g.idem_refused = True


def _settle(response):
    key = g.pop("idem_key", None)
    if key is not None:
        ctx = context()
        if response.status_code in (301, 302, 303, 307, 308) and not g.get("idem_refused"):
            idempotency.finish(ctx, key=key, location=response.location, now=ctx.now())
        else:
            idempotency.release(ctx, key)
    return response


def _abandon(_exc) -> None:
    key = g.pop("idem_key", None)  # still here only when the response was never finished
    if key is not None:
        idempotency.release(context(), key)


def install(app: Flask, blueprints: set[str]) -> None:
    """Guard every POST of the page `blueprints` (after the CSRF check, which is installed first)."""
    guarded = set(blueprints) - UNGUARDED
    app.before_request(lambda: _claim(guarded))
    app.after_request(_settle)
    app.teardown_request(_abandon)
