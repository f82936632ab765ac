"""Named queries over jobs and incidents, and the claim that keeps several schedulers from double firing.

A job is claimed by locking its row `FOR UPDATE SKIP LOCKED` (PostgreSQL) inside the transaction that
runs it; SQLite's single writer (`BEGIN IMMEDIATE`) does the same there. A crash releases the lock with
the transaction, so no lock column needs a reaper.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ...actors import Actor
from .deadline_models import Incident
from .instances import visible_filter
from .models import Job, ProcessInstance

JOBS_CHANGED = "consortium_jobs_changed"


def new_job(
    *,
    kind: str,
    due_at: datetime,
    now: datetime,
    retries: int,
    instance_id: str | None = None,
    task_id: str | None = None,
    element_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> Job:
    return Job(
        id=str(uuid.uuid4()),
        kind=kind,
        instance_id=instance_id,
        task_id=task_id,
        element_id=element_id,
        due_at=due_at,
        retries=retries,
        created_at=now,
        payload_json=json.dumps(payload or {}, ensure_ascii=False, default=str),
    )


def payload(job: Job) -> dict[str, Any]:
    return json.loads(job.payload_json or "{}")


def due_ids(session: Session, now: datetime, limit: int) -> list[str]:
    return list(
        session.scalars(
            sa.select(Job.id)
            .where(Job.due_at <= now, Job.retries > 0, _not_suspended())
            .order_by(Job.due_at)
            .limit(limit)
        )
    )


def claim_next(session: Session, now: datetime, *, skip: Collection[str], skip_locked: bool) -> Job | None:
    """Lock the earliest due job nobody else holds (and not in `skip`), for this transaction."""
    query = sa.select(Job).where(Job.due_at <= now, Job.retries > 0, _not_suspended())
    if skip:
        query = query.where(Job.id.not_in(list(skip)))
    query = query.order_by(Job.due_at).limit(1).with_for_update(skip_locked=skip_locked)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _not_suspended():
    """Jobs of suspended instances do not fire (Camunda, issue 16); instance-less jobs always may."""
    suspended = sa.select(ProcessInstance.id).where(ProcessInstance.suspended.is_(True))
    return sa.or_(Job.instance_id.is_(None), Job.instance_id.not_in(suspended))


def next_due(session: Session) -> datetime | None:
    return session.scalar(sa.select(sa.func.min(Job.due_at)).where(Job.retries > 0, _not_suspended()))


def count_pending(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.retries > 0)) or 0


# --- incidents ---------------------------------------------------------------------------------------


def incident_visible_filter(actor: Actor):
    """Incidents of instances the actor sees; those of no instance (mail) only for supervisors."""
    if actor.sees_everything:
        return sa.true()
    return sa.and_(
        Incident.instance_id.is_not(None),
        sa.exists().where(ProcessInstance.id == Incident.instance_id, visible_filter(actor)),
    )


def list_incidents(
    session: Session,
    actor: Actor,
    *,
    incident_id: str | None = None,
    instance_id: str | None = None,
    job_id: str | None = None,
    element_id: str | None = None,
    failed_element_id: str | None = None,
    incident_type: str | None = None,
    first: int = 0,
    limit: int | None = 100,
) -> list[Incident]:
    query = sa.select(Incident).where(incident_visible_filter(actor))
    for column, value in (
        (Incident.id, incident_id),
        (Incident.instance_id, instance_id),
        (Incident.element_id, element_id),
        (sa.func.coalesce(Incident.failed_element_id, Incident.element_id), failed_element_id),
        (Incident.incident_type, incident_type),
    ):
        if value:
            query = query.where(column == value)
    if job_id:  # Camunda's `configuration`: the failed job's id, or the failed external task's
        query = query.where(sa.or_(Incident.job_id == job_id, Incident.external_task_id == job_id))
    query = query.order_by(Incident.created_at, Incident.id).offset(first)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def incidents_of_job(session: Session, job_id: str) -> list[Incident]:
    return list(session.scalars(sa.select(Incident).where(Incident.job_id == job_id)))


# --- waking the scheduler ------------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _note_job_changes(session: Session, _context, _instances) -> None:
    """Remember that this transaction added or moved a job, so the scheduler re-arms after commit."""
    if not session.info.get(JOBS_CHANGED) and any(
        isinstance(obj, Job) for obj in (*session.new, *session.dirty)
    ):
        session.info[JOBS_CHANGED] = True


def after_commit_if_changed(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` after a commit that changed jobs (registered on the session, runs once)."""

    @event.listens_for(session, "after_commit", once=True)
    def _after(sess: Session) -> None:
        if sess.info.pop(JOBS_CHANGED, False):
            callback()
