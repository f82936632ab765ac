"""Due jobs: the timers diagrams wait on. The scheduler fires them; so do tests, with a moved clock."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..actors import SYSTEM
from ..context import Context
from ..store import audit, instances
from ..store.db import is_postgres
from ..store.models import Job
from .commands import run_command


def due_job_ids(ctx: Context, now: datetime, limit: int = 100) -> list[str]:
    with ctx.unit_of_work(write=False) as uow:
        return list(
            uow.session.scalars(
                sa.select(Job.id).where(Job.due_at <= now, Job.retries > 0).order_by(Job.due_at).limit(limit)
            )
        )


def fire_due_jobs(ctx: Context, now: datetime | None = None, limit: int = 100) -> int:
    """Fire every job due at `now`, each in its own transaction; returns how many fired."""
    now = now or ctx.now()
    fired = 0
    for job_id in due_job_ids(ctx, now, limit):
        fired += fire_job(ctx, job_id, now)
    return fired


def fire_job(ctx: Context, job_id: str, now: datetime) -> int:
    with ctx.unit_of_work() as uow:
        session = uow.session
        job = session.get(Job, job_id)
        if job is None or job.due_at > now:
            return 0
        # Claim through the instance row: SKIP LOCKED lets another scheduler (or a clerk's command) keep it,
        # and locking instance-then-job in every path rules out deadlocks.
        row = instances.lock(session, job.instance_id, skip_locked=is_postgres(ctx.db))
        if row is None:
            return 0
        job = session.get(Job, job_id, populate_existing=True)
        if job is None or job.due_at > now:
            return 0  # fired by someone else meanwhile
        run_command(ctx, session, row, SYSTEM, lambda r, h, n: r.fire_due_timers(h, n), now)
        audit.record(
            session,
            actor=SYSTEM,
            action="timer.fired",
            at=now,
            instance_id=row.id,
            element_id=job.element_id,
            detail={"due": job.due_at.isoformat()},
        )
        uow.commit()
        return 1


def next_due(ctx: Context) -> datetime | None:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalar(sa.select(sa.func.min(Job.due_at)).where(Job.retries > 0))
