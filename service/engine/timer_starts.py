"""Timer start events: one job per pending firing, each starting a new instance (issue 12, fault 5).

Camunda 7 (user guide, "Timer Events", "Timer Start Event"): a timer start event is scheduled when
its process is deployed; each firing starts a new instance of that definition; deploying a new version
of the process removes the previous version's timer start jobs, so a version without the event starts
no more instances; a suspended definition's firing starts nothing (`TimerStartEventJobHandler`).
When the start fails, the next firing is scheduled all the same (Camunda CAM-2797) and the failed
firing is retried, then becomes an incident, like any job.

Here each pending firing is a `job` row of kind `timer_start` with no instance; its payload names
the definition, the key and the schedule's state (`workflows.timer_start`). When it fires
(`jobs.fire_due_jobs`, claimed in its own transaction so that any number of schedulers fire it once):
`prepare` adds the job of the next firing outside the job's savepoint, once (the payload remembers its
`successor`), then `fire` starts the instance at the event and deletes the job, inside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.errors import InvalidTimer
from workflows.model import CompiledProcess
from workflows.timer_start import Firing, next_firing

from ..actors import SYSTEM, Actor
from ..context import Context
from ..errors import InvalidInput
from .instances import start_in_session
from .store import audit
from .store import jobs as job_store
from .store.deadline_models import Incident
from .store.models import Job, ProcessDefinition

KIND = "timer_start"


def first_firings(ctx: Context, compiled: CompiledProcess, now: datetime) -> list[tuple[str, Firing | None]]:
    """`(element id, first firing)` of each timer start event of `compiled`, deployed at `now`.

    Raises:
        InvalidInput: a timer start whose value is malformed, unsupported (cron `L`/`W`/`#`) or whose
            expression fails, naming the element (the deployment is refused).
    """
    out = []
    for start in compiled.timer_starts:
        try:
            out.append((start.element_id, ctx.workflows.first_timer_firing(start, now, compiled.key)))
        except InvalidTimer as exc:
            raise InvalidInput("流程图校验未通过 / The diagram is invalid",
                               {"diagram": [f"{compiled.resource_name} [{start.element_id}] {exc}"]}) from exc
    return out


def schedule(session: Session, ctx: Context, definition: ProcessDefinition,
             firings: Iterable[tuple[str, Firing | None]], *, actor: Actor, now: datetime) -> list[Job]:
    """Make `definition` (the newest version of its key) the one whose timer start events fire:
    every earlier version's timer start jobs go (with their incidents), and one job is added per
    firing of `firings` (`first_firings`). Returns the new jobs."""
    removed = [job for job in pending(session) if job_store.payload(job).get("key") == definition.key]
    for job in removed:
        for incident in job_store.incidents_of_job(session, job.id):
            session.delete(incident)
        session.delete(job)
    added = []
    for element_id, firing in firings:
        if firing is not None:
            added.append(_add(session, ctx, definition.id, definition.key, element_id, firing, now))
    if removed or added:
        audit.record(session, actor=actor, action="timerStart.scheduled", at=now, detail={
            "definition": definition.id, "removed": [j.id for j in removed],
            "jobs": {j.id: {"element": j.element_id, "due": j.due_at.isoformat()} for j in added}})
    return added


def pending(session: Session) -> list[Job]:
    """Every timer start job (few: one per timer start event of a latest version)."""
    return list(session.scalars(sa.select(Job).where(Job.kind == KIND)))


def _add(session: Session, ctx: Context, definition_id: str, key: str, element_id: str, firing: Firing,
         now: datetime) -> Job:
    job = job_store.new_job(kind=KIND, due_at=firing.due_at, now=now,
                            retries=ctx.config.deadlines.job_retries, element_id=element_id,
                            payload={"definition_id": definition_id, "key": key, "state": firing.state})
    session.add(job)
    return job


def prepare(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    """Before the firing runs (outside its savepoint, so it stays when the start fails): add the job of
    the next firing, once per firing however often this one is retried."""
    data = job_store.payload(job)
    if "successor" in data:
        return
    due = job.due_at if job.due_at.tzinfo else job.due_at.replace(tzinfo=now.tzinfo)
    following = next_firing(data.get("state") or {}, max(now, due))
    successor = None
    if following is not None and _is_latest(session, data.get("definition_id")):
        successor = _add(session, ctx, data["definition_id"], data["key"], job.element_id, following, now).id
    data["successor"] = successor
    job.payload_json = json.dumps(data, ensure_ascii=False, default=str)


def fire(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    """Start a new instance of the job's definition at its timer start event and delete the job; a
    definition no longer the latest or suspended starts nothing (Camunda). A failure propagates: the
    job's savepoint is rolled back and the job retried (then an incident, `jobs._record_failure`)."""
    data = job_store.payload(job)
    definition = session.get(ProcessDefinition, data.get("definition_id"))
    detail: dict[str, Any] = {"job": job.id, "due": job.due_at.isoformat(),
                              "definition": data.get("definition_id"), "next": data.get("successor")}
    if definition is None or not _is_latest(session, definition.id) or definition.suspended:
        detail["skipped"] = "suspended" if definition is not None and definition.suspended else "not latest"
        audit.record(session, actor=SYSTEM, action="timerStart.skipped", at=now, element_id=job.element_id,
                     detail=detail)
    else:
        started = start_in_session(ctx, session, definition, actor=SYSTEM, now=now,
                                   start_event=job.element_id)
        detail["instance"] = started.id
        audit.record(session, actor=SYSTEM, action="timerStart.fired", at=now, instance_id=started.id,
                     element_id=job.element_id, detail=detail)
    for incident in session.scalars(sa.select(Incident).where(Incident.job_id == job.id)):
        session.delete(incident)
    session.delete(job)


def _is_latest(session: Session, definition_id: str | None) -> bool:
    definition = session.get(ProcessDefinition, definition_id) if definition_id else None
    if definition is None:
        return False
    newest = session.scalar(sa.select(sa.func.max(ProcessDefinition.version))
                            .where(ProcessDefinition.key == definition.key))
    return newest == definition.version
