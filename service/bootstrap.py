"""The composition root: build a `Context` (database engine, workflow engine with the diagram helpers,
clock) for the app factory, the scheduler, the CLI, the tests and the benchmarks.

It lives apart from `service.context` so that the use cases, which import `Context`, are never imported
back by it (issue 19: context <-> calendar <-> helpers was an import circle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from workflows.engine import Engine as WorkflowEngine
from workflows.extensions import Extensions

from .clock import SystemClock
from .config import Config
from .context import Context
from .engine.helpers import diagram_helpers
from .engine.store.db import make_engine

Plugin = Callable[[Extensions], None]


def build_context(config: Config | None = None, *, clock=None, plugins: Iterable[Plugin] | None = None
                  ) -> Context:
    """The context, with `plugins` (each `register(extensions)`) registered into its extensions.

    `plugins=None` means the bundled consortium domain (`service/consortium/domain_plugin.py`); pass
    `()` for a bare BPMN back office that runs no consortium code (issue 19).
    """
    config = config or Config()
    extensions = Extensions()
    for register in _bundled_plugins() if plugins is None else plugins:
        register(extensions)
        extensions.registered_by.append(f"{register.__module__}.{register.__qualname__}")
    ctx = Context(
        config=config,
        db=make_engine(config.database_url, echo=config.echo_sql, pool_size=config.db_pool_size),
        workflows=WorkflowEngine(helpers={}, script_time_limit=config.script_time_limit),
        clock=clock or SystemClock(),
        extensions=extensions,
    )
    ctx.workflows = WorkflowEngine(helpers=diagram_helpers(ctx), script_time_limit=config.script_time_limit,
                                   extensions=extensions)
    return ctx


def _bundled_plugins() -> list[Plugin]:
    """The consortium domain's registration: the composition root is the one place naming it."""
    from .consortium.domain_plugin import register

    return [register]
