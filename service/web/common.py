"""What every page handler needs: the context, the signed-in actor, the upload folder."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import current_app, g, redirect, request, url_for

from ..actors import Actor
from ..api.auth import context, session_actor

__all__ = ["context", "current_actor", "login_required", "upload_dir"]


def current_actor() -> Actor | None:
    if "web_actor" not in g:
        g.web_actor = session_actor()
    return g.web_actor


def login_required(view):
    """Send anonymous visitors to the sign-in page and back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_actor() is None:
            return redirect(url_for("web_auth.signin", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def actor() -> Actor:
    found = current_actor()
    assert found is not None, "login_required guards every caller"
    return found


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])
