"""A storage backend for the `limits` library on the application's own database.

Flask-Limiter and `limits` ship memory, Redis, Memcached and MongoDB storage. Memory is per process,
so under `gunicorn -w N` an attacker would get N times the allowance and a worker restart would forget
it; the others need a server this installation does not run. The database every process already
shares (SQLite on one machine, PostgreSQL otherwise) holds the counters instead: one row per key,
incremented by a single atomic `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` (both dialects).
Times come from the service clock, so tests can move it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from .uow import UnitOfWork
from .websec_models import ThrottleCounter

TABLE = ThrottleCounter.__table__


class DatabaseStorage(Storage):
    """Fixed-window counters (`limits.strategies.FixedWindowRateLimiter`) in the `throttle_counter` table."""

    STORAGE_SCHEME = ["consortium+db"]

    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.engine, self._now = engine, now

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def _clock(self) -> float:
        return self._now().timestamp()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to `key`'s window (a new one of `expiry` seconds if none is open); the new count."""
        now = self._clock()
        insert = (postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert)(TABLE)
        expired = TABLE.c.expires_at <= now
        statement = (
            insert.values(key=key, hits=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[TABLE.c.key],
                set_={
                    "hits": sa.case((expired, amount), else_=TABLE.c.hits + amount),
                    "expires_at": sa.case((expired, now + expiry), else_=TABLE.c.expires_at),
                },
            )
            .returning(TABLE.c.hits)
        )
        with UnitOfWork(self.engine) as uow:
            hits = uow.session.execute(statement).scalar_one()
            uow.session.execute(sa.delete(TABLE).where(TABLE.c.expires_at < now - 86400))  # old windows
            uow.commit()
        return int(hits)

    def get(self, key: str) -> int:
        """Hits in `key`'s open window (0 when none is open)."""
        with UnitOfWork(self.engine, write=False) as uow:
            hits = uow.session.scalar(
                sa.select(TABLE.c.hits).where(TABLE.c.key == key, TABLE.c.expires_at > self._clock())
            )
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        """When `key`'s window ends (epoch seconds); now when none is open."""
        now = self._clock()
        with UnitOfWork(self.engine, write=False) as uow:
            ends = uow.session.scalar(
                sa.select(TABLE.c.expires_at).where(TABLE.c.key == key, TABLE.c.expires_at > now)
            )
        return float(ends if ends is not None else now)

    def check(self) -> bool:
        with UnitOfWork(self.engine, write=False) as uow:
            return uow.session.scalar(sa.select(sa.literal(1))) == 1

    def reset(self) -> int | None:
        with UnitOfWork(self.engine) as uow:
            removed = uow.session.execute(sa.delete(TABLE)).rowcount
            uow.commit()
        return removed

    def clear(self, key: str) -> None:
        with UnitOfWork(self.engine) as uow:
            uow.session.execute(sa.delete(TABLE).where(TABLE.c.key == key))
            uow.commit()
