"""/api: the domain (instances as the bureau sees them, consortia). Errors: {"error","message","fields"}.

Callers sign in with HTTP Basic or the /login session; routes live in registry.py and openapi.py too.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..actors import Actor
from ..engine import instances
from ..errors import Conflict, DiagramFailed, Forbidden, InvalidInput, NotFound, ProcessFailed, ServiceError
from .auth import context, current_actor
from .edge import MalformedRequest
from .strict import as_spelt

bp = Blueprint("domain", __name__, url_prefix="/api")

STATUS = {  # first match wins: DiagramFailed before its base ProcessFailed
    MalformedRequest: 400,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    InvalidInput: 422,
    DiagramFailed: 422,
    ProcessFailed: 409,
}


class Unauthorized(ServiceError):
    """No valid credentials or session: answered 401 with a Basic challenge."""


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    if isinstance(exc, Unauthorized):
        response = jsonify(error="Unauthorized", message="需要登录 / Authentication required")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Basic realm="consortium-office"'
        return response
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    body = {"error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, InvalidInput):
        body["fields"] = as_spelt(exc.fields, _sent_body())
    return jsonify(body), status


def _sent_body() -> object:
    """The request's JSON body, None when there is none or it does not parse (the refusal being answered
    may be that very body's)."""
    if not request.is_json:
        return None
    try:
        return request.get_json(silent=True)
    except (ServiceError, ValueError):
        return None


def require_actor() -> Actor:
    """The caller, or Unauthorized (401)."""
    actor = current_actor()
    if actor is None:
        raise Unauthorized("需要登录 / Authentication required")
    return actor


@bp.get("/process-instances/<instance_id>")
def instance_view(instance_id: str):
    return jsonify(instances.get_instance(context(), instance_id=instance_id, actor=require_actor()))
