"""Filtered, sorted, paged instance lists (Camunda's process-instance and history queries), scoped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import Actor
from .instances import visible_filter
from .models import ProcessInstance


@dataclass
class InstanceQuery:
    ids: list[str] = field(default_factory=list)
    business_key: str | None = None
    business_key_like: str | None = None
    definition_id: str | None = None
    definition_key: str | None = None
    definition_keys: list[str] = field(default_factory=list)
    status: str | None = None  # active | completed | cancelled | finished (completed or cancelled)
    suspended: bool | None = None  # Camunda's suspended / active filters (issue 16)
    started_by: str | None = None
    started_before: datetime | None = None
    started_after: datetime | None = None
    sort_by: str = "started"
    descending: bool = False
    first: int = 0
    max_results: int | None = None


SORTABLE = {
    "started": ProcessInstance.started_at,
    "instanceId": ProcessInstance.id,
    "definitionId": ProcessInstance.definition_id,
    "definitionKey": ProcessInstance.definition_key,
    "businessKey": ProcessInstance.business_key,
    "ended": ProcessInstance.ended_at,
}


def _query(actor: Actor, q: InstanceQuery):
    stmt = sa.select(ProcessInstance).where(visible_filter(actor))
    equal = {
        ProcessInstance.business_key: q.business_key,
        ProcessInstance.definition_id: q.definition_id,
        ProcessInstance.definition_key: q.definition_key,
        ProcessInstance.status: None if q.status == "finished" else q.status,
        ProcessInstance.started_by: q.started_by,
        ProcessInstance.suspended: q.suspended,
    }
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if q.status == "finished":
        stmt = stmt.where(ProcessInstance.status.in_(("completed", "cancelled")))
    if q.ids:
        stmt = stmt.where(ProcessInstance.id.in_(q.ids))
    if q.definition_keys:
        stmt = stmt.where(ProcessInstance.definition_key.in_(q.definition_keys))
    if q.business_key_like:
        stmt = stmt.where(ProcessInstance.business_key.like(q.business_key_like))
    if q.started_before is not None:
        stmt = stmt.where(ProcessInstance.started_at < q.started_before)
    if q.started_after is not None:
        stmt = stmt.where(ProcessInstance.started_at > q.started_after)
    return stmt


def list_instances(session: Session, actor: Actor, q: InstanceQuery) -> list[ProcessInstance]:
    column = SORTABLE.get(q.sort_by, ProcessInstance.started_at)
    stmt = _query(actor, q).order_by(column.desc() if q.descending else column.asc(), ProcessInstance.id)
    stmt = stmt.offset(q.first)
    if q.max_results is not None:
        stmt = stmt.limit(q.max_results)
    return list(session.scalars(stmt))


def count_instances(session: Session, actor: Actor, q: InstanceQuery) -> int:
    sub = _query(actor, q).subquery()
    return session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0
