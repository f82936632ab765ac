"""Who is calling: HTTP Basic credentials (Camunda's REST auth model) or the session of a logged-in user.

Sessions are server-side (engine/web_sessions.py): the signed cookie names a sign-in the database
still knows and has not revoked. Every password check goes through the sign-in throttle
(engine/login_throttle.py) first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Response, abort, current_app, g, jsonify, request, session

from ..actors import Actor
from ..context import Context
from ..engine import identities, web_sessions
from ..engine.login_throttle import LoginThrottle, Refusal
from .credentials import CredentialCache

SESSION_LIFETIME = timedelta(hours=8)
SESSION_ID = "sid"


def context() -> Context:
    return current_app.extensions["consortium"]


def _credentials() -> CredentialCache:
    return current_app.extensions.setdefault("consortium.credentials", CredentialCache())


def throttle() -> LoginThrottle:
    """The app's sign-in throttle, with limits from `app.config["LOGIN_LIMITS"]` (account, address) when
    set, else from Config (CONSORTIUM_LOGIN_LIMIT_ACCOUNT / _ADDRESS)."""
    config = context().config
    limits = tuple(
        current_app.config.get("LOGIN_LIMITS") or (config.login_limit_account, config.login_limit_address)
    )
    built = current_app.extensions.get("consortium.throttle")
    if built is None or built[0] != limits:
        built = (limits, LoginThrottle(context(), account_limit=limits[0], address_limit=limits[1]))
        current_app.extensions["consortium.throttle"] = built
    return built[1]


def client_address() -> str | None:
    """The peer's address (behind a reverse proxy, configure werkzeug's ProxyFix so this is the client)."""
    return request.remote_addr


def throttled_message(refusal: Refusal) -> str:
    seconds = refusal.retry_after
    return f"登录失败次数过多，请 {seconds} 秒后再试 / Too many failed sign-ins: try again in {seconds} s"


def login_refusal(username: str, edge: str) -> Refusal | None:
    """The throttle's refusal of a password attempt for `username` from this client (None: go on)."""
    if not username:
        return None  # nothing is hashed for an empty name
    return throttle().refusal(username=username, address=client_address(), edge=edge)


def login_failed(username: str) -> None:
    """Count a wrong password for `username` from this client."""
    if username:
        throttle().failed(username=username, address=client_address())


def throttled_json(refusal: Refusal) -> Response:
    """429 for API clients: JSON readable by both the /api and the Camunda error conventions."""
    response = jsonify(
        type="AuthenticationException",
        error="TooManyRequests",
        message=throttled_message(refusal),
        retryAfterSeconds=refusal.retry_after,
    )
    response.status_code = 429
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def basic_actor() -> Actor | None:
    """The authenticated actor of this request, or None; cached on `g` (Argon2 is slow on purpose).

    Credentials verified within the credential cache's window (api/credentials.py) are taken without
    asking the sign-in throttle: they are no guess, nothing is hashed, and the throttle's two counter
    reads were the dearest part of an API call (issue 18). Any other password is an attempt: a throttled
    account or address answers 429 at once, right password or not (raised as an HTTPException carrying
    the response).
    """
    if "actor" in g:
        return g.actor
    auth = request.authorization
    actor = None
    g.actor = None
    if auth is not None and auth.type == "basic" and auth.username and auth.password is not None:
        actor = _credentials().get(auth.username, auth.password)
        if actor is None:
            refusal = login_refusal(auth.username, "basic")
            if refusal is not None:
                abort(throttled_json(refusal))
            actor = identities.authenticate(context(), user_id=auth.username, password=auth.password)
            if actor is not None:
                _credentials().put(auth.username, auth.password, actor)
            else:
                login_failed(auth.username)
    g.actor = actor
    return actor


def start_session(actor: Actor) -> None:
    """A fresh session for `actor` (no fixation): a new server-side sign-in, the language kept."""
    language = session.get("lang")
    session.clear()
    session.permanent = True
    session.update(
        user_id=actor.id,
        since=datetime.now(UTC).isoformat(),
        **{SESSION_ID: web_sessions.open_session(context(), user_id=actor.id, lifetime=SESSION_LIFETIME)},
    )
    if language:
        session["lang"] = language


def end_session() -> None:
    """Revoke this sign-in server-side and empty the cookie (the language is kept)."""
    web_sessions.revoke(context(), token=session.get(SESSION_ID))
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def session_actor() -> Actor | None:
    """The user signed in on this session, while younger than SESSION_LIFETIME and not revoked."""
    user_id, since = session.get("user_id"), session.get("since")
    if not user_id or not since:
        return None
    try:
        started = datetime.fromisoformat(since)
    except (TypeError, ValueError):
        return None
    if datetime.now(UTC) - started > SESSION_LIFETIME:
        session.clear()
        return None
    if not web_sessions.is_live(context(), user_id=user_id, token=session.get(SESSION_ID)):
        return None
    return identities.actor_for(context(), user_id)


def current_actor() -> Actor | None:
    """Basic credentials win over the session, so API clients never depend on a browser cookie."""
    return basic_actor() or session_actor()
