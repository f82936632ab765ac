"""Camunda's user operation log (`GET /history/user-operation`, issue 16), read from the audit trail.

Each audit event is one entry; its action maps to Camunda's operationType and entityType where Camunda
has one (the product's own actions keep their name). Who: the log names the people who acted, so only
those who see every instance (admin, process owner, city clerk) read it, as Camunda grants the log to
administrators; for them it is complete. Reads only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..errors import Forbidden
from . import personal_data
from .store.models import AuditEvent, ProcessInstance

# audit action -> (Camunda operationType, entityType, category)
OPERATIONS: dict[str, tuple[str, str, str]] = {
    "deployment.created": ("Create", "Deployment", "Operator"),
    "instance.started": ("Create", "ProcessInstance", "Operator"),
    "instance.cancelled": ("Delete", "ProcessInstance", "Operator"),
    "instance.suspended": ("Suspend", "ProcessInstance", "Operator"),
    "instance.activated": ("Activate", "ProcessInstance", "Operator"),
    "instance.variables_set": ("ModifyVariable", "Variable", "Operator"),
    "task.claimed": ("Claim", "Task", "TaskWorker"),
    "task.unclaimed": ("Claim", "Task", "TaskWorker"),
    "task.assigned": ("Assign", "Task", "TaskWorker"),
    "task.delegated": ("Delegate", "Task", "TaskWorker"),
    "task.resolved": ("Resolve", "Task", "TaskWorker"),
    "task.completed": ("Complete", "Task", "TaskWorker"),
    "job.retries_set": ("SetJobRetries", "Job", "Operator"),
    "job.executed": ("Execute", "Job", "Operator"),
    "externalTask.retriesSet": ("SetExternalTaskRetries", "ExternalTask", "Operator"),
    "externalTask.unlocked": ("Unlock", "ExternalTask", "Operator"),
    "message.correlated": ("Correlate", "ProcessInstance", "Operator"),
}


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    definition_id: str | None
    definition_key: str | None
    shown: dict[str, Any] | None = None
    """The detail as the reader may read it (personal identifiers masked: personal_data); None: as stored."""

    @property
    def operation(self) -> tuple[str, str, str]:
        known = OPERATIONS.get(self.event.action)
        if known is not None:
            return known
        prefix = self.event.action.split(".", 1)[0]
        entity = {
            "task": "Task",
            "instance": "ProcessInstance",
            "externalTask": "ExternalTask",
            "job": "Job",
            "incident": "Incident",
            "timer": "Job",
        }.get(prefix, prefix)
        return self.event.action, entity, "Operator"

    @property
    def detail(self) -> dict[str, Any]:
        return self.shown if self.shown is not None else json.loads(self.event.detail_json or "{}")


@dataclass(frozen=True)
class LogFilters:
    instance_id: str | None = None
    task_id: str | None = None
    user_id: str | None = None
    operation_type: str | None = None
    entity_type: str | None = None
    after: datetime | None = None
    before: datetime | None = None


def _query(filters: LogFilters):
    stmt = sa.select(AuditEvent, ProcessInstance.definition_id, ProcessInstance.definition_key).outerjoin(
        ProcessInstance, ProcessInstance.id == AuditEvent.instance_id
    )
    for active, condition in (
        (filters.instance_id, lambda: AuditEvent.instance_id == filters.instance_id),
        (filters.task_id, lambda: AuditEvent.task_id == filters.task_id),
        (filters.user_id, lambda: AuditEvent.actor == filters.user_id),
        (filters.after, lambda: AuditEvent.at > filters.after),
        (filters.before, lambda: AuditEvent.at < filters.before),
    ):
        if active:
            stmt = stmt.where(condition())
    wanted = [
        a
        for a, (op, entity, _) in OPERATIONS.items()
        if (filters.operation_type in (None, op)) and (filters.entity_type in (None, entity))
    ]
    if filters.operation_type or filters.entity_type:
        stmt = stmt.where(AuditEvent.action.in_(wanted or ["-"]))
    return stmt


def list_entries(
    ctx: Context,
    *,
    actor: Actor,
    filters: LogFilters,
    first: int = 0,
    limit: int | None = 100,
    descending: bool = False,
) -> list[Entry]:
    """Log entries, oldest first (or newest first). Raises Forbidden for callers who do not see all."""
    _check(actor)
    order = AuditEvent.id.desc() if descending else AuditEvent.id
    stmt = _query(filters).order_by(order).offset(first)
    if limit is not None:
        stmt = stmt.limit(limit)
    with ctx.unit_of_work(write=False) as uow:
        return [
            Entry(e, did, dkey, personal_data.value_for_reader(
                uow.session, e.instance_id, actor, json.loads(e.detail_json or "{}")))
            for e, did, dkey in uow.session.execute(stmt)
        ]


def count_entries(ctx: Context, *, actor: Actor, filters: LogFilters) -> int:
    _check(actor)
    with ctx.unit_of_work(write=False) as uow:
        return int(
            uow.session.scalar(sa.select(sa.func.count()).select_from(_query(filters).subquery())) or 0
        )


def _check(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden("只有管理人员可以查看操作日志 / Only administrators read the user operation log")
