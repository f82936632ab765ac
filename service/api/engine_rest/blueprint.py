"""The /engine-rest blueprint: HTTP Basic on every request, the caller, and /version.

Route modules add their views to `bp`; `routes.register` puts it on the app."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from ...actors import Actor
from ..auth import basic_actor
from . import errors

API_VERSION = "7.21.0"

bp = Blueprint("engine_rest", __name__, url_prefix="/engine-rest")
errors.attach(bp)


@bp.before_request
def _authenticate():
    if basic_actor() is None:
        response = errors.error(
            401, "AuthenticationException", "需要登录 / Authentication required (HTTP Basic)"
        )
        response.headers["WWW-Authenticate"] = 'Basic realm="consortium-office"'
        return response
    return None


def actor() -> Actor:
    """The caller; `_authenticate` has already refused anonymous requests."""
    return g.actor


@bp.get("/version")
def version():
    return jsonify(version=API_VERSION)
