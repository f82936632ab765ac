"""Idempotency tokens of page submissions: claim before acting, remember the result, answer replays.

Each step is its own short committed transaction, so two submissions of one token can never both act: the
second INSERT of the primary key fails (or, on SQLite, waits for the first writer and then fails).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..context import Context
from .store.reliability_models import IdempotentRequest

KEEP = timedelta(days=7)  # a token older than this is forgotten (a form left open a week acts again)


def claim(ctx: Context, *, key: str, path: str, now: datetime) -> IdempotentRequest | None:
    """Claim `key` for the submission about to act: None when claimed now, else the earlier claim (pending
    while its handler runs or died, done with the page it redirected to)."""
    with ctx.unit_of_work() as uow:
        uow.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.created_at < now - KEEP))
        uow.session.add(IdempotentRequest(key=key, path=path[:300], state="pending", created_at=now))
        try:
            uow.commit()
            return None
        except IntegrityError:
            uow.session.rollback()
    return find(ctx, key)


def find(ctx: Context, key: str) -> IdempotentRequest | None:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.get(IdempotentRequest, key)


def finish(ctx: Context, *, key: str, location: str, now: datetime) -> None:
    """Record where the submission's handler sent the browser: replays are sent there too."""
    with ctx.unit_of_work() as uow:
        uow.session.execute(
            sa.update(IdempotentRequest)
            .where(IdempotentRequest.key == key)
            .values(state="done", location=location, finished_at=now)
        )
        uow.commit()


def release(ctx: Context, key: str) -> None:
    """Forget a claim whose handler refused or failed: nothing was done, the same form may be sent again."""
    with ctx.unit_of_work() as uow:
        uow.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.key == key))
        uow.commit()
