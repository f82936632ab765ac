"""Due jobs: timers diagrams wait on, reminders, outbox e-mail. The scheduler fires them; so do tests.

Each job runs in its own transaction, claimed there (store/jobs.py) so several schedulers never fire
one job twice; a job of an instance also takes the instance row with SKIP LOCKED, so a clerk's command
in progress is never waited for (nor deadlocked with): the job is simply tried again on the next tick.
A job that fails is rolled back to a savepoint, and in the same transaction its retries are counted down
and it is moved out by the backoff; when none are left it becomes an incident that an administrator
lists (`GET /engine-rest/incident`) and retries (`PUT /engine-rest/job/{id}/retries`). A computation that
reached an unloaded calendar year becomes an incident at once: retrying cannot help until someone loads
the year; so does a timer or due date out of bounds (workflows/timers.py, issue 11), and a diagram that
loops past the engine step budget (workflows/budget.py, issue 11), which fail the same way every time.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workflows.errors import InvalidTimer, ScriptFailed, StepBudgetExceeded

from ..actors import ADMIN, PROCESS_OWNER, SYSTEM, Actor
from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ProcessFailed
from . import notifications, personal_data, timer_starts
from .calendar import UnknownCalendarYear
from .commands import run_command
from .store import audit, instances
from .store import jobs as job_store
from .store.db import is_postgres
from .store.deadline_models import Incident
from .store.models import Job, ProcessInstance
from .store.uow import UnitOfWork

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"
FAILED_JOB = "failedJob"


@dataclass(frozen=True)
class JobKind:
    run: Callable[[Context, Session, Job, datetime], None] | None
    locks_instance: bool = True  # runs the instance's commands: take its row first
    outbox: bool = False  # hands something to the outside world: recorded and committed before, see _hand_off
    prepare: Callable[[Context, Session, Job, datetime], None] | None = None
    """Runs before `run`, outside the job's savepoint: what it writes stays when the job fails (a timer
    start event schedules its next firing, timer_starts.prepare)."""


def _fire_timer(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    row = session.get(ProcessInstance, job.instance_id)
    due = job.due_at
    run_command(ctx, session, row, SYSTEM, lambda r, h, n: r.fire_due_timers(h, n), now)
    audit.record(session, actor=SYSTEM, action="timer.fired", at=now, instance_id=row.id,
                 element_id=job.element_id,
                 detail={"job": job.id, "due": due.isoformat(), "scheduler": WORKER})


def _fire_timer_now(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    """A timer job run by a person before its due moment (`execute_job`): the timer fires at `now`, so
    the steps after it are dated now, not at the due moment (report-a finding 7)."""
    row = session.get(ProcessInstance, job.instance_id)
    due = job.due_at
    run_command(ctx, session, row, SYSTEM, lambda r, h, n: r.fire_timer_now(job.task_id, h, n), now)
    audit.record(session, actor=SYSTEM, action="timer.fired", at=now, instance_id=row.id,
                 element_id=job.element_id,
                 detail={"job": job.id, "due": due.isoformat(), "executed": True, "scheduler": WORKER})


def _continue_async(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    """An asynchronous continuation (camunda:asyncBefore/asyncAfter): run the parked step and what
    follows, as Camunda's job executor does; a failure is this job's (retries, then an incident)."""
    row = session.get(ProcessInstance, job.instance_id)
    run_command(ctx, session, row, SYSTEM, lambda r, h, n: r.run_async(job.task_id, h, n), now)
    audit.record(session, actor=SYSTEM, action="async.continued", at=now, instance_id=row.id,
                 element_id=job.element_id, detail={"job": job.id, "scheduler": WORKER})


KINDS: dict[str, JobKind] = {
    "timer": JobKind(_fire_timer),
    instances.ASYNC: JobKind(_continue_async),
    notifications.MAIL: JobKind(None, locks_instance=False, outbox=True),
    timer_starts.KIND: JobKind(timer_starts.fire, locks_instance=False, prepare=timer_starts.prepare),
}


def kind_of(ctx: Context, name: str) -> JobKind | None:
    """The engine's own kinds (timer, mail), else one the domain registered (`Extensions.register_job_kind`,
    e.g. the consortium's reminders); None for a kind nobody runs (the job fails and becomes an incident)."""
    if name in KINDS:
        return KINDS[name]
    run = ctx.extensions.job_kinds.get(name)
    return JobKind(run) if run is not None else None


def fire_due_jobs(
    ctx: Context, now: datetime | None = None, limit: int = 100, stop: Callable[[], bool] | None = None
) -> int:
    """Fire up to `limit` jobs due at `now` (default: the clock), each in its own transaction; `stop`,
    asked before each job, ends the batch early (a scheduler shutting down).

    Returns how many fired successfully (failures were rescheduled or became incidents).
    """
    cutoff = now or ctx.now()
    busy: set[str] = set()
    fired = attempts = 0
    while attempts < limit and not (stop and stop()):
        outcome = _fire_next(ctx, cutoff, busy, now)
        if outcome is None:
            break
        attempts += 1
        fired += outcome is True
    return fired


def _fire_next(ctx: Context, cutoff: datetime, busy: set[str], now: datetime | None) -> bool | None:
    """Claim and run the earliest free due job: True fired, False failed or busy, None nothing due."""
    pg = is_postgres(ctx.db)
    with ctx.unit_of_work() as uow:
        session = uow.session
        job = job_store.claim_next(session, cutoff, skip=busy, skip_locked=pg)
        if job is None:
            return None
        kind = kind_of(ctx, job.kind)
        if kind is not None and kind.outbox:
            return _hand_off(ctx, uow, job, now or ctx.now())
        if kind is not None and kind.locks_instance and job.instance_id:
            if instances.lock(session, job.instance_id, skip_locked=pg) is None:
                busy.add(job.id)  # a command holds the instance; next tick
                return False
        ok = _run(ctx, session, job, kind, now or ctx.now())
        uow.commit()
        return ok


def _hand_off(ctx: Context, uow: UnitOfWork, job: Job, now: datetime) -> bool:
    """An outbox mail in three steps, so a crash in between is visible and never loses the mail: the claim
    transaction records the attempt and leases the job, then commits; the relay is called with no
    transaction open; a new transaction records the outcome and deletes the job (or counts the failure).
    A crash after the relay accepted leaves the attempt pending: the job is due again after its lease and
    re-sent with the same Message-ID (notifications.begin_handoff)."""
    session, job_id = uow.session, job.id
    savepoint = session.begin_nested()
    try:
        handoff = notifications.begin_handoff(ctx, session, job, now)
        savepoint.commit()
    except Exception as exc:
        savepoint.rollback()
        _record_failure(ctx, session, session.get(Job, job_id), exc, now)
        uow.commit()
        return False
    uow.commit()
    error: Exception | None = None
    try:
        notifications.deliver(ctx, handoff)
    except Exception as exc:  # the relay refused or is down: the job retries with backoff
        error = exc
    with ctx.unit_of_work() as after:
        notifications.finish_handoff(after.session, handoff, error, now)
        sent = after.session.get(Job, job_id)
        if sent is not None and error is None:
            after.session.delete(sent)
        elif sent is not None:
            _record_failure(ctx, after.session, sent, error, now)
        after.commit()
    return error is None


def _run(ctx: Context, session: Session, job: Job, kind: JobKind | None, now: datetime) -> bool:
    job_id = job.id
    if kind is not None and kind.prepare is not None:
        prepared = session.begin_nested()
        try:
            kind.prepare(ctx, session, job, now)
            prepared.commit()
        except Exception as exc:  # the job's own failure, as below
            prepared.rollback()
            _record_failure(ctx, session, session.get(Job, job_id), exc, now)
            return False
    savepoint = session.begin_nested()
    try:
        if kind is None:
            raise LookupError(f"未知的作业类型 / unknown job kind {job.kind!r}")
        kind.run(ctx, session, job, now)
        savepoint.commit()
        return True
    except Exception as exc:  # the job's own failure: recorded on the job, never fatal to the clock
        savepoint.rollback()
        for cache in ("audit_tails", "granted"):  # caches of what the rolled-back work wrote
            session.info.pop(cache, None)
        _record_failure(ctx, session, session.get(Job, job_id), exc, now)
        return False


def _record_failure(ctx: Context, session: Session, job: Job, exc: Exception, now: datetime) -> None:
    settings = ctx.config.deadlines
    message = (str(exc) or type(exc).__name__)[:4000]
    final = _calendar_gap(exc) or _in_chain(exc, InvalidTimer) or _in_chain(exc, StepBudgetExceeded)
    job.retries = 0 if final else max(job.retries - 1, 0)
    job.last_error = message
    detail = {"job": job.id, "kind": job.kind, "error": message, "retriesLeft": job.retries}
    if job.retries > 0:
        job.due_at = now + timedelta(seconds=settings.backoff(max(settings.job_retries - job.retries, 1)))
        detail["nextAttempt"] = job.due_at.isoformat()
        audit.record(session, actor=SYSTEM, action="job.failed", at=now, instance_id=job.instance_id,
                     element_id=job.element_id, detail=detail)
        log.warning("job %s (%s) failed, retrying at %s: %s", job.id, job.kind, job.due_at, message)
        return
    row = session.get(ProcessInstance, job.instance_id) if job.instance_id else None
    detail["incident"] = incident_id = str(uuid.uuid4())  # named, for /history/incident (job_history.py)
    session.add(Incident(
        id=incident_id, job_id=job.id, instance_id=job.instance_id,
        definition_id=row.definition_id if row else job_store.payload(job).get("definition_id"),
        element_id=job.element_id,
        failed_element_id=_failed_element(exc), incident_type=FAILED_JOB, message=message, created_at=now,
    ))
    audit.record(session, actor=SYSTEM, action="incident.created", at=now, instance_id=job.instance_id,
                 element_id=job.element_id, detail=detail)
    log.error("job %s (%s) became an incident: %s", job.id, job.kind, message)


def _failed_element(exc: BaseException | None) -> str | None:
    """The element whose diagram code failed (Camunda's failedActivityId), from the engine's error."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, ScriptFailed) and exc.element_id:
            return exc.element_id[:100]
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _calendar_gap(exc: BaseException | None) -> bool:
    """True when the failure is an unloaded calendar year, however deep the engine wrapped it."""
    return _in_chain(exc, UnknownCalendarYear)


def _in_chain(exc: BaseException | None, kind: type[BaseException]) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, kind):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def next_due(ctx: Context) -> datetime | None:
    with ctx.unit_of_work(write=False) as uow:
        return job_store.next_due(uow.session)


# --- incidents (administrators) ----------------------------------------------------------------------


def list_incidents(ctx: Context, *, actor: Actor, **filters) -> list[Incident]:
    """Incidents the caller may see, oldest first (filters: incident_id, instance_id, job_id, ...); each
    message with the instance's personal identifiers masked unless the caller is entitled to them
    (personal_data.text_for_reader: a script that failed on an ID number names it in its error)."""
    with ctx.unit_of_work(write=False) as uow:
        rows = job_store.list_incidents(uow.session, actor, **filters)
        for row in rows:
            shown = personal_data.text_for_reader(uow.session, row.instance_id, actor, row.message)
            if shown != row.message:
                uow.session.expunge(row)  # a read copy: the stored message stays as it was
                row.message = shown
        return rows


def retry_job(
    ctx: Context, *, job_id: str, retries: int, actor: Actor, due_at: datetime | None = None
) -> None:
    """Give a failed job new retries (resolving its incident); it runs at `due_at`, default now.

    Raises:
        NotFound: no such job, or one the caller may not see.
        Forbidden: the caller is not an administrator or process owner.
        InvalidInput: negative retries.
    """
    if retries < 0:
        raise InvalidInput("重试次数不能为负 / retries must not be negative",
                           {"retries": ["须为非负整数 / must be a non-negative integer"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        job = session.get(Job, job_id)
        if job is None or not _may_see(session, job, actor):
            raise NotFound(f"作业不存在 / Job {job_id} does not exist")
        if not actor.has(ADMIN, PROCESS_OWNER):
            raise Forbidden("只有系统管理员或流程管理员可以重试作业 / Only administrators retry jobs")
        resolved = job_store.incidents_of_job(session, job.id)
        for incident in resolved:
            session.delete(incident)
        job.retries, job.due_at = retries, due_at or now
        audit.record(session, actor=actor, action="job.retries_set", at=now, instance_id=job.instance_id,
                     element_id=job.element_id,
                     detail={"job": job.id, "retries": retries, "resolved": [i.id for i in resolved]})
        uow.commit()


class JobFailed(ProcessFailed):
    """`POST /job/{id}/execute` ran the job and it failed: Camunda answers 500 ("the job could not be
    executed successfully", 7.21 REST reference); the failure is recorded as the scheduler would."""


def execute_job(ctx: Context, *, actor: Actor, job_id: str) -> None:
    """Run job `job_id` now, whatever its due date and retries (Camunda's `ManagementService.executeJob`,
    `POST /engine-rest/job/{id}/execute`). A timer not yet due fires now, as Camunda runs the job now:
    what follows it (a task's creation time, a deadline counted from it, the next job) is dated on the
    clock's now, never at the timer's future due moment (report-a finding 7). On
    success the job is gone (its open incident
    with it); on failure retries are counted down, the next attempt backed off and, at 0 retries, an
    incident opened, exactly as when the scheduler fires it (`_record_failure`). Audited as `job.executed`
    by the caller, beside the job's own entries.

    Raises:
        NotFound: no such job, or one the caller may not see.
        Forbidden: the caller is not an administrator or process owner.
        Conflict: the job's process instance is suspended (its jobs do not fire, issue 16).
        JobFailed: the job ran and failed (the failure is committed, the message names it).
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        job = session.get(Job, job_id)
        if job is None or not _may_see(session, job, actor):
            raise NotFound(f"作业不存在 / Job {job_id} does not exist")
        if not actor.has(ADMIN, PROCESS_OWNER):
            raise Forbidden("只有系统管理员或流程管理员可以执行作业 / Only administrators execute jobs")
        kind = kind_of(ctx, job.kind)
        audit.record(session, actor=actor, action="job.executed", at=now, instance_id=job.instance_id,
                     element_id=job.element_id, detail={"job": job.id, "kind": job.kind})
        if kind is not None and kind.outbox:
            ok = _hand_off(ctx, uow, job, now)
        else:
            if job.instance_id and (kind is None or kind.locks_instance):
                row = instances.lock(session, job.instance_id)  # waits for a command in progress
                if row is not None and row.suspended:
                    raise Conflict(
                        f"流程实例已挂起 / Process instance {row.id} is suspended: its jobs do not run"
                    )
            if job.kind == "timer":  # this timer fires now, whatever its due moment
                kind = JobKind(_fire_timer_now)
            ok = _run(ctx, session, job, kind, now)
            resolved = [i.id for i in job_store.incidents_of_job(session, job_id)] if ok else []
            for incident in job_store.incidents_of_job(session, job_id) if ok else []:
                session.delete(incident)
            if resolved:
                audit.record(session, actor=actor, action="incident.resolved", at=now,
                             instance_id=job.instance_id, element_id=job.element_id,
                             detail={"job": job_id, "incidents": resolved})
            uow.commit()
    if not ok:
        with ctx.unit_of_work(write=False) as uow:
            failed = uow.session.get(Job, job_id)
            message = failed.last_error if failed is not None else None
            if failed is not None:
                message = personal_data.text_for_reader(uow.session, failed.instance_id, actor, message)
            retries = failed.retries if failed is not None else 0
        raise JobFailed(f"作业执行失败 / Job {job_id} failed ({retries} retries left): {message}")


def _may_see(session: Session, job: Job, actor: Actor) -> bool:
    if actor.sees_everything:
        return True
    if job.instance_id is None:
        return False
    try:
        instances.get_visible(session, job.instance_id, actor)
    except NotFound:
        return False
    return True
