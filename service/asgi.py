"""`create_asgi_app`: the whole product as one ASGI application, for `gunicorn -k asgi`.

    gunicorn -k asgi -w 2 -b 0.0.0.0:8080 'service.asgi:create_asgi_app()'

Every request runs through the Flask app (`create_app`) in a pool of `CONSORTIUM_WSGI_THREADS` threads
(8); external-task long polls wait as coroutines without a thread (`service/api/asgi_bridge.py`), so
any number of waiting workers (up to gunicorn's `--worker-connections`, 1000) leave the pool to
everybody else. Parked polls re-check the database every `CONSORTIUM_LONG_POLL_CHECK_SECONDS` (1) for
work another process created; this process's own commits wake them at once.
"""

from __future__ import annotations

import os

from . import create_app
from .api.asgi_bridge import LongPollBridge
from .config import Config
from .engine import external_tasks


def create_asgi_app(config: Config | None = None, *, ctx=None) -> LongPollBridge:
    """The ASGI application (see the module docstring); `ctx` as for `create_app` (tests)."""
    return LongPollBridge(
        create_app(config, ctx=ctx),
        threads=int(os.environ.get("CONSORTIUM_WSGI_THREADS", "8")),
        check_seconds=float(os.environ.get("CONSORTIUM_LONG_POLL_CHECK_SECONDS", "1")),
        subscribe=external_tasks.on_arrival,
    )
