"""/api: the domain (instances as the bureau sees them, consortia). Errors: {"error","message","fields"}."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ProcessFailed, ServiceError
from ..usecases import instances
from .auth import basic_actor, context

bp = Blueprint("domain", __name__, url_prefix="/api")

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, InvalidInput: 422, ProcessFailed: 409}


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    body = {"error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, InvalidInput):
        body["fields"] = exc.fields
    return jsonify(body), status


def _actor():
    actor = basic_actor()
    if actor is None:
        response = jsonify(error="Unauthorized", message="需要登录 / Authentication required")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Basic realm="consortium-office"'
        return None, response
    return actor, None


@bp.get("/process-instances/<instance_id>")
def instance_view(instance_id: str):
    actor, refusal = _actor()
    if refusal is not None:
        return refusal
    return jsonify(instances.get_instance(context(), instance_id=instance_id, actor=actor))
