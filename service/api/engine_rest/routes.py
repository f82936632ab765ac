"""Put /engine-rest on the app: its route modules, Camunda's error shape for the JSON edge, the blueprint."""

from __future__ import annotations

from flask import Flask

from .. import edge
from . import (  # noqa: F401
    comments,
    decision_definitions,
    definitions,
    deployed_forms,
    deployments,
    errors,
    executions,
    external_tasks,
    history,
    history_details,
    history_jobs,
    history_log,
    identity,
    incidents,
    instances,
    jobs,
    messages,
    migration,
    task_variables,
    tasks,
    variable_instances,
)
from .blueprint import bp


def register(app: Flask) -> None:
    """Register the blueprint (its route modules are imported above) and Camunda's error bodies."""
    errors.install(app)
    edge.use_error_shape(
        app,
        "/engine-rest",
        edge.ErrorShape(
            from_http=errors._from_http,  # one mapping of routing errors for /engine-rest
            from_service_error=errors.from_service_error,
            error=errors.error,
        ),
    )
    app.register_blueprint(bp)
