"""Put the HTTP edges on the app: /health, /login, /api, /engine-rest, then the shared edge guards."""

from __future__ import annotations

from flask import Flask

from . import (  # noqa: F401  (route modules register on the blueprints)
    agencies,
    domain,
    edge,
    health,
    inbox,
    notifications,
    objection_status,
    openapi,
    org_register,
    registry,
    reviews,
    session,
    supervision,
    well_known,
)
from .auth import SESSION_LIFETIME
from .engine_rest import routes as engine_rest


def register(app: Flask) -> None:
    """Register every API blueprint, then `edge.install` (its routing-error handlers come last)."""
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", SESSION_LIFETIME)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.register_blueprint(health.bp)
    app.register_blueprint(session.bp)
    app.register_blueprint(domain.bp)
    app.register_blueprint(well_known.bp)
    engine_rest.register(app)
    edge.install(app)  # last: its routing-error handlers serve /api and /engine-rest alike
