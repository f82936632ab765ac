"""Everything a use case needs, built once per process by `build_context` (web, scheduler and CLI alike)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine as DbEngine

from workflows.engine import Engine as WorkflowEngine
from workflows.extensions import Extensions

from .clock import SystemClock
from .config import Config
from .engine.store.jobs import after_commit_if_changed
from .engine.store.uow import UnitOfWork
from .engine.store.visibility import EXTENSIONS


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
        uow.session.info[EXTENSIONS] = self.extensions  # identity policies for the named queries
        if write and self.on_jobs_changed:  # a scheduler runs in this process: wake it after such commits
            after_commit_if_changed(uow.session, self.jobs_changed)
        return uow

    def jobs_changed(self) -> None:
        for callback in list(self.on_jobs_changed):
            callback(None)

    def now(self) -> datetime:
        return self.clock.now()
