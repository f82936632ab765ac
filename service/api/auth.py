"""Who is calling: HTTP Basic credentials checked against the user store (Camunda's REST auth model)."""

from __future__ import annotations

from flask import current_app, g, request

from ..actors import Actor
from ..context import Context
from ..usecases import identities


def context() -> Context:
    return current_app.extensions["consortium"]


def basic_actor() -> Actor | None:
    """The authenticated actor of this request, or None; cached on `g` (Argon2 is slow on purpose)."""
    if "actor" in g:
        return g.actor
    auth = request.authorization
    actor = None
    if auth is not None and auth.type == "basic" and auth.username and auth.password is not None:
        actor = identities.authenticate(context(), user_id=auth.username, password=auth.password)
    g.actor = actor
    return actor
