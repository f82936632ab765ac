"""Reading jobs as Camunda's `GET /job` does (issue 16): the timers and other deferred work the
scheduler fires, each scoped to the caller: jobs of instances they may see; jobs of no instance
(outbox mail) only for those who see everything. Reads only; retries are set in jobs.retry_job."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..errors import NotFound
from . import personal_data
from .store.instances import visible_filter
from .store.jobs import payload
from .store.models import Job, ProcessInstance

TIMER_START = "timer_start"  # timer_starts.KIND (that module imports the use cases; this one reads)


@dataclass(frozen=True)
class JobFilters:
    """Camunda's job query parameters this server implements (None/empty: any)."""

    ids: Collection[str] = ()
    instance_ids: Collection[str] = ()
    definition_id: str | None = None
    definition_key: str | None = None
    activity_id: str | None = None
    with_retries_left: bool = False
    no_retries_left: bool = False
    executable: bool = False
    timers: bool = False
    with_exception: bool = False
    suspended: bool | None = None


@dataclass(frozen=True)
class JobRow:
    job: Job
    definition_id: str | None
    definition_key: str | None
    suspended: bool
    exception_message: str | None = None
    """The job's last error as the caller may read it (personal identifiers masked: personal_data)."""


def _query(actor: Actor, filters: JobFilters, now: datetime):
    stmt = sa.select(
        Job, ProcessInstance.definition_id, ProcessInstance.definition_key, ProcessInstance.suspended
    ).outerjoin(ProcessInstance, ProcessInstance.id == Job.instance_id)
    if not actor.sees_everything:
        stmt = stmt.where(Job.instance_id.is_not(None), visible_filter(actor))
    wanted = [
        (filters.ids, lambda: Job.id.in_(list(filters.ids))),
        (filters.instance_ids, lambda: Job.instance_id.in_(list(filters.instance_ids))),
        (filters.definition_id, lambda: ProcessInstance.definition_id == filters.definition_id),
        (filters.definition_key, lambda: ProcessInstance.definition_key == filters.definition_key),
        (filters.activity_id, lambda: Job.element_id == filters.activity_id),
        (filters.with_retries_left, lambda: Job.retries > 0),
        (filters.no_retries_left, lambda: Job.retries == 0),
        (filters.executable, lambda: sa.and_(Job.retries > 0, Job.due_at <= now)),
        (filters.timers, lambda: Job.kind.in_(("timer", TIMER_START))),
        (filters.with_exception, lambda: Job.last_error.is_not(None)),
        (
            filters.suspended is not None,
            lambda: sa.func.coalesce(ProcessInstance.suspended, sa.false()).is_(bool(filters.suspended)),
        ),
    ]
    for active, condition in wanted:
        if active:
            stmt = stmt.where(condition())
    return stmt


def list_jobs(
    ctx: Context,
    *,
    actor: Actor,
    filters: JobFilters,
    first: int = 0,
    limit: int | None = None,
    descending: bool = False,
    sort: str = "jobDueDate",
) -> list[JobRow]:
    """Jobs the caller may see, by due date (or `sort`: jobId, jobRetries, processInstanceId)."""
    columns = {
        "jobId": Job.id,
        "jobDueDate": Job.due_at,
        "jobRetries": Job.retries,
        "processInstanceId": Job.instance_id,
    }
    column = columns.get(sort, Job.due_at)
    stmt = _query(actor, filters, ctx.now()).order_by(column.desc() if descending else column, Job.id)
    stmt = stmt.offset(first)
    if limit is not None:
        stmt = stmt.limit(limit)
    with ctx.unit_of_work(write=False) as uow:
        return [
            _row(job, did, dkey, bool(susp),
                 personal_data.text_for_reader(uow.session, job.instance_id, actor, job.last_error))
            for job, did, dkey, susp in uow.session.execute(stmt)
        ]


def _row(job: Job, definition_id: str | None, definition_key: str | None, suspended: bool,
         message: str | None) -> JobRow:
    """A timer start event's job has no instance: its definition is in its payload (timer_starts)."""
    if job.kind == TIMER_START and definition_id is None:
        data = payload(job)
        definition_id, definition_key = data.get("definition_id"), data.get("key")
    return JobRow(job, definition_id, definition_key, suspended, message)


def count_jobs(ctx: Context, *, actor: Actor, filters: JobFilters) -> int:
    stmt = sa.select(sa.func.count()).select_from(_query(actor, filters, ctx.now()).subquery())
    with ctx.unit_of_work(write=False) as uow:
        return int(uow.session.scalar(stmt) or 0)


def get_job(ctx: Context, *, actor: Actor, job_id: str) -> JobRow:
    """Raises NotFound for an unknown job or one outside the caller's scope."""
    found = list_jobs(ctx, actor=actor, filters=JobFilters(ids=[job_id]), limit=1)
    if not found:
        raise NotFound(f"作业不存在 / Job with id {job_id} does not exist")
    return found[0]
