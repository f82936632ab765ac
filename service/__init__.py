"""consortium-office service: the Flask app, the use cases and the store.

`create_app` builds everything at call time (never at import), so tests, the demo and gunicorn each get
their own context.
"""

from __future__ import annotations

import os

from flask import Flask

from .bootstrap import build_context
from .config import Config
from .context import Context


def create_app(config: Config | None = None, *, ctx: Context | None = None) -> Flask:
    config = config or (ctx.config if ctx is not None else Config())
    ctx = ctx or build_context(config)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = _secret_key(config)
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    app.extensions["consortium"] = ctx

    from . import all_models  # noqa: F401  (the whole schema on Base.metadata)
    from .api.routes import register

    register(app)
    from .web.pages import register as register_pages

    register_pages(app)
    return app


def _secret_key(config: Config) -> str:
    """The configured key, else the one generated once into the instance folder (shared by all workers)."""
    from .secret_key import load_or_create

    configured = config.secret_key or os.environ.get("CONSORTIUM_SECRET_KEY")
    return configured or load_or_create(config.instance_folder)
