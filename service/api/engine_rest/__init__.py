"""/engine-rest: the Camunda 7 REST API subset a BPMN back office needs, in Camunda's own shapes.

Camunda Modeler's Deploy button and Camunda 7 client libraries work against it unchanged. Every
request authenticates with HTTP Basic (as Camunda does with its authentication filter on); what the
caller may not see answers 404 as if it did not exist. Modules: deployments, definitions, instances,
tasks, comments, history; variables.py is the only place typed variables are translated.
"""

from __future__ import annotations

from flask import Blueprint, Flask, g, jsonify

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


def register(app: Flask) -> None:
    from . import comments, definitions, deployments, history, incidents, instances, tasks  # noqa: F401  (routes)

    errors.install(app)
    app.register_blueprint(bp)
