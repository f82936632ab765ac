"""HTTP edges: /health, /login, /api (domain), /engine-rest (Camunda 7 REST). Each maps ServiceError once,
in its own error shape."""

from __future__ import annotations

from flask import Flask

from . import edge
from .auth import SESSION_LIFETIME


def register(app: Flask) -> None:
    from . import (  # noqa: F401  (route modules register on the blueprints)
        domain,
        engine_rest,
        health,
        notifications,
        openapi,
        registry,
        reviews,
        session,
        supervision,
    )

    app.config.setdefault("PERMANENT_SESSION_LIFETIME", SESSION_LIFETIME)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.register_blueprint(health.bp)
    app.register_blueprint(session.bp)
    app.register_blueprint(domain.bp)
    engine_rest.register(app)
    edge.install(app)  # last: its routing-error handlers serve /api and /engine-rest alike
