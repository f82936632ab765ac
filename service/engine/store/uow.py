"""The unit of work: one Session, one transaction, rolled back unless the use case commits.

The Session already is a unit of work (Architecture Patterns, ch. 6); this adds only the write/read
distinction SQLite needs and `expire_on_commit=False`, so nothing lazily reloads after commit.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from . import lengths  # noqa: F401  (refuses over-long strings before every flush)
from .db import WRITE


class UnitOfWork:
    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        bind = engine.execution_options(**WRITE) if write else engine
        self.session = Session(bind=bind, expire_on_commit=False, autoflush=False)
        self._after_commit: list = []

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() ends an uncommitted transaction with a rollback but, unlike rollback(), leaves loaded
        # objects readable (detached, not expired): read use cases return rows to their callers.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback) -> None:
        """Run `callback` once the transaction is durable (mail, scheduler wake-ups): never before."""
        self._after_commit.append(callback)
