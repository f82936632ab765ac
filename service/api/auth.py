"""Who is calling: HTTP Basic credentials (Camunda's REST auth model) or the session of a logged-in user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, g, request, session

from ..actors import Actor
from ..context import Context
from ..usecases import identities
from .credentials import CredentialCache

SESSION_LIFETIME = timedelta(hours=8)


def context() -> Context:
    return current_app.extensions["consortium"]


def _credentials() -> CredentialCache:
    return current_app.extensions.setdefault("consortium.credentials", CredentialCache())


def basic_actor() -> Actor | None:
    """The authenticated actor of this request, or None; cached on `g` (Argon2 is slow on purpose)."""
    if "actor" in g:
        return g.actor
    auth = request.authorization
    actor = None
    if auth is not None and auth.type == "basic" and auth.username and auth.password is not None:
        actor = _credentials().get(auth.username, auth.password)
        if actor is None:
            actor = identities.authenticate(context(), user_id=auth.username, password=auth.password)
            if actor is not None:
                _credentials().put(auth.username, auth.password, actor)
    g.actor = actor
    return actor


def session_actor() -> Actor | None:
    """The user logged in through /login, while the session is younger than SESSION_LIFETIME."""
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
    return identities.actor_for(context(), user_id)


def current_actor() -> Actor | None:
    """Basic credentials win over the session, so API clients never depend on a browser cookie."""
    return basic_actor() or session_actor()
