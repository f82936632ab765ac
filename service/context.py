"""Everything a use case needs, built once per process by `build_context` (web, scheduler and CLI alike)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine as DbEngine

from workflows.engine import Engine as WorkflowEngine
from workflows.extensions import Extensions

from .clock import SystemClock
from .config import Config
from .store.db import make_engine
from .store.jobs import after_commit_if_changed
from .store.uow import UnitOfWork


@dataclass
class Context:
    config: Config
    db: DbEngine
    workflows: WorkflowEngine
    clock: SystemClock
    # Named delegates/listeners and the command path's hooks, registered by the domain at start-up.
    extensions: Extensions = field(default_factory=Extensions)
    # Called after a commit that changed the earliest due job (the scheduler re-arms its wake-up).
    on_jobs_changed: list[Callable[[datetime | None], None]] = field(default_factory=list)

    def unit_of_work(self, *, write: bool = True) -> UnitOfWork:
        uow = UnitOfWork(self.db, write=write)
        if write and self.on_jobs_changed:  # a scheduler runs in this process: wake it after such commits
            after_commit_if_changed(uow.session, self.jobs_changed)
        return uow

    def jobs_changed(self) -> None:
        for callback in list(self.on_jobs_changed):
            callback(None)

    def now(self) -> datetime:
        return self.clock.now()


Plugin = Callable[[Extensions], None]


def build_context(config: Config | None = None, *, clock=None, plugins: Iterable[Plugin] | None = None
                  ) -> Context:
    """The context, with `plugins` (each `register(extensions)`) registered into its extensions.

    `plugins=None` means the bundled consortium domain (`service/usecases/domain_plugin.py`); pass
    `()` for a bare BPMN back office that runs no consortium code (issue 19).
    """
    config = config or Config()
    from .usecases.helpers import diagram_helpers  # late: helpers read the calendar through the context

    extensions = Extensions()
    for register in _bundled_plugins() if plugins is None else plugins:
        register(extensions)
        extensions.registered_by.append(f"{register.__module__}.{register.__qualname__}")
    ctx = Context(
        config=config,
        db=make_engine(config.database_url, echo=config.echo_sql),
        workflows=WorkflowEngine(helpers={}, script_time_limit=config.script_time_limit),
        clock=clock or SystemClock(),
        extensions=extensions,
    )
    ctx.workflows = WorkflowEngine(helpers=diagram_helpers(ctx), script_time_limit=config.script_time_limit,
                                   extensions=extensions)
    return ctx


def _bundled_plugins() -> list[Plugin]:
    """The consortium domain's registration: the composition root is the one place naming it."""
    from .usecases.domain_plugin import register

    return [register]
