"""The composition root: build a `Context` (database engine, workflow engine with the diagram helpers,
clock) for the app factory, the scheduler, the CLI, the tests and the benchmarks.

It lives apart from `service.context` so that the use cases, which import `Context`, are never imported
back by it (issue 19: context <-> calendar <-> helpers was an import circle).
"""

from __future__ import annotations

from workflows.engine import Engine as WorkflowEngine

from .clock import SystemClock
from .config import Config
from .context import Context
from .engine.helpers import diagram_helpers
from .engine.store.db import make_engine


def build_context(config: Config | None = None, *, clock=None) -> Context:
    config = config or Config()
    ctx = Context(
        config=config,
        db=make_engine(config.database_url, echo=config.echo_sql),
        workflows=WorkflowEngine(helpers={}, script_time_limit=config.script_time_limit),
        clock=clock or SystemClock(),
    )
    ctx.workflows = WorkflowEngine(helpers=diagram_helpers(ctx), script_time_limit=config.script_time_limit)
    return ctx
