"""HTTP edges: /health, /api (domain). Each edge maps ServiceError once, in its own error shape."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import domain, health

    app.register_blueprint(health.bp)
    app.register_blueprint(domain.bp)
