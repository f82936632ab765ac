"""The history of incidents and job runs (Camunda's `GET /history/incident` and `GET /history/job-log`,
issue 16), read from the audit trail, which records every job firing, failure and incident.

Incidents: each `incident.created` event is one historic incident; it is open while its row is in the
incident table, resolved once `job.retries_set`, `externalTask.retriesSet` or `incident.resolved` (a
successful `POST /job/{id}/execute`) names it, otherwise deleted (its instance ended or was cancelled
with it open; the end time is then unknown: null). Job log: `timer.fired` and `async.continued` are
success entries, `job.failed` and a job's `incident.created` failure entries; the trail does not record
a job's creation or deletion, so there are no creation or deletion entries (the one approximation).

Scoped like `GET /incident` and `GET /job`: entries of instances the caller may see; those of no
instance (outbox mail) only for those who see everything. Reads only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from . import personal_data
from .store.deadline_models import Incident
from .store.instances import visible_filter
from .store.models import AuditEvent, ProcessInstance

INCIDENT_CREATED = "incident.created"
RESOLVING = ("job.retries_set", "externalTask.retriesSet", "incident.resolved")
SUCCESS = ("timer.fired", "async.continued")
FAILURE = ("job.failed", INCIDENT_CREATED)
SCAN_LIMIT = 5000  # audit events read per request at most (Camunda's queryMaxResultsLimit in spirit)


@dataclass(frozen=True)
class Event:
    """One audit event with its instance's definition (None for events of no instance)."""

    event: AuditEvent
    definition_id: str | None
    definition_key: str | None

    @property
    def detail(self) -> dict[str, Any]:
        return json.loads(self.event.detail_json or "{}")


@dataclass(frozen=True)
class HistoricIncident:
    id: str
    created: Event
    job_id: str | None
    external_task_id: str | None
    incident_type: str
    message: str | None
    failed_activity_id: str | None
    state: str  # "open", "resolved" or "deleted"
    end_time: datetime | None


@dataclass(frozen=True)
class JobLogEntry:
    source: Event
    job_id: str | None
    success: bool
    error: str | None = None
    """The failure's message as the caller may read it (personal identifiers masked: personal_data)."""

    @property
    def detail(self) -> dict[str, Any]:
        return self.source.detail


def _events(ctx: Context, actor: Actor, actions: Iterable[str], instance_id: str | None) -> list[Event]:
    stmt = (
        sa.select(AuditEvent, ProcessInstance.definition_id, ProcessInstance.definition_key)
        .outerjoin(ProcessInstance, ProcessInstance.id == AuditEvent.instance_id)
        .where(AuditEvent.action.in_(list(actions)))
    )
    if not actor.sees_everything:
        stmt = stmt.where(AuditEvent.instance_id.is_not(None), visible_filter(actor))
    if instance_id:
        stmt = stmt.where(AuditEvent.instance_id == instance_id)
    stmt = stmt.order_by(AuditEvent.id).limit(SCAN_LIMIT)
    with ctx.unit_of_work(write=False) as uow:
        return [Event(e, did, dkey) for e, did, dkey in uow.session.execute(stmt)]


def incidents(ctx: Context, *, actor: Actor, instance_id: str | None = None) -> list[HistoricIncident]:
    """Every incident the caller may see, open or ended, oldest first (filter in the caller)."""
    events = _events(ctx, actor, (INCIDENT_CREATED, *RESOLVING), instance_id)
    resolved: dict[str, datetime] = {}
    for item in events:
        if item.event.action in RESOLVING:
            detail = item.detail
            for incident_id in [*detail.get("resolved", []), *detail.get("incidents", [])]:
                resolved.setdefault(str(incident_id), item.event.at)
    with ctx.unit_of_work(write=False) as uow:
        open_rows = {row.id: row for row in uow.session.scalars(sa.select(Incident))}
        messages = _messages(uow.session, actor, events)
    out = []
    for item in events:
        if item.event.action != INCIDENT_CREATED:
            continue
        detail = item.detail
        incident_id = str(detail.get("incident") or f"audit-{item.event.id}")
        row = open_rows.get(incident_id)
        external = detail.get("type") == "failedExternalTask"
        if row is not None:
            state, end = "open", None
        elif incident_id in resolved:
            state, end = "resolved", resolved[incident_id]
        else:
            state, end = "deleted", None
        out.append(
            HistoricIncident(
                id=incident_id,
                created=item,
                job_id=None if external else detail.get("job"),
                external_task_id=item.event.task_id if external else None,
                incident_type=detail.get("type") or "failedJob",
                message=messages.get(item.event.id),
                failed_activity_id=(row.failed_element_id if row is not None else None)
                or item.event.element_id,
                state=state,
                end_time=end,
            )
        )
    return out


def job_log(ctx: Context, *, actor: Actor, instance_id: str | None = None) -> list[JobLogEntry]:
    """Job runs the caller may see (success and failure entries), oldest first."""
    out = []
    events = _events(ctx, actor, (*SUCCESS, *FAILURE), instance_id)
    with ctx.unit_of_work(write=False) as uow:
        messages = _messages(uow.session, actor, events)
    for item in events:
        detail = item.detail
        if item.event.action == INCIDENT_CREATED and "job" not in detail:
            continue  # an external task's incident: not a job
        success = item.event.action in SUCCESS
        error = None if success else messages.get(item.event.id)
        out.append(JobLogEntry(item, detail.get("job"), success, error))
    return out


def _messages(session: Any, actor: Actor, events: list[Event]) -> dict[int, str]:
    """Each event's recorded error as `actor` may read it: the instance's personal identifiers masked
    unless the caller is entitled to them (a script that failed on an ID number names it)."""
    out: dict[int, str] = {}
    for item in events:
        error = item.detail.get("error")
        if isinstance(error, str):
            shown = personal_data.text_for_reader(session, item.event.instance_id, actor, error)
            out[item.event.id] = shown if shown is not None else error
    return out
