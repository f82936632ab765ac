"""Named queries over external tasks, the projection rewritten with every save, and the wake-up of
long-polling workers after a commit that added tasks."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from workflows.engine import Instance as RunningInstance

from ...actors import Actor
from . import definitions
from .deadline_models import Incident
from .external_task_models import ExternalTask
from .instances import visible_filter
from .models import ProcessInstance

ADDED = "external_tasks_added"  # session.info: the topics of the tasks this transaction added
ARRIVED = threading.Condition()  # notified after a commit that added external tasks (long polling)
_LISTENERS: list[Callable[[frozenset[str]], None]] = []  # called after such a commit, with the topics


def sync(session: Session, row: ProcessInstance, running: RunningInstance, handlers, now: datetime) -> None:
    """Rewrite the instance's external tasks from its state: new waiting service tasks appear unlocked,
    those the instance moved past disappear with their incidents (ON DELETE CASCADE, and explicitly)."""
    existing = {
        t.id: t for t in session.scalars(sa.select(ExternalTask).where(ExternalTask.instance_id == row.id))
    }
    waiting = {t.task_id: t for t in ([] if running.completed else running.external_tasks(handlers))}
    gone = existing.keys() - waiting.keys()
    if gone:
        session.execute(sa.delete(Incident).where(Incident.external_task_id.in_(gone)))
        for task_id in gone:
            session.delete(existing[task_id])
    for task_id in waiting.keys() & existing.keys():  # MI counters move while the task waits
        context = _context(waiting[task_id])
        if existing[task_id].context_json != context:
            existing[task_id].context_json = context
    for task_id in waiting.keys() - existing.keys():
        task = waiting[task_id]
        session.add(
            ExternalTask(
                id=task_id,
                instance_id=row.id,
                definition_id=_definition_id(session, row, task.process_key),
                definition_key=task.process_key,
                context_json=_context(task),
                business_key=row.business_key,
                element_id=task.element_id,
                name=task.name,
                topic=task.topic,
                priority=task.priority,
                created_at=now,
            )
        )
        session.info.setdefault(ADDED, set()).add(task.topic)


def _context(task) -> str | None:
    return json.dumps(task.context, ensure_ascii=False, default=str) if task.context else None


def _definition_id(session: Session, row: ProcessInstance, key: str) -> str:
    """The definition of the process the task is in: the instance's, or for a task of a called process
    the called definition (its newest version, which a `latest` binding calls; the caller's own
    definition if that key was never deployed on its own)."""
    if key == row.definition_key:
        return row.definition_id
    called = definitions.find_latest(session, key)
    return called.id if called is not None else row.definition_id


def task_view(task: ExternalTask, instance_variables: dict, instance_types: dict
              ) -> tuple[dict, dict, dict, dict]:
    """`(variables, their types, local variables, their types)` an external task's worker receives:
    the called process's variables for a task of a called process, else the instance's; the task's
    locals (MI element variable, `loopCounter`, counters, input parameters) over them."""
    context = json.loads(task.context_json or "{}")
    if "called" in context:
        variables, types = dict(context["called"]), dict(context.get("calledTypes") or {})
    else:
        variables, types = dict(instance_variables), dict(instance_types)
    locals_, local_types = dict(context.get("locals") or {}), dict(context.get("localTypes") or {})
    variables.update(locals_)
    types = {n: k for n, k in types.items() if n not in locals_} | local_types
    return variables, types, locals_, local_types


@event.listens_for(Session, "after_commit")
def _wake_workers(session: Session) -> None:
    topics = session.info.pop(ADDED, None)
    if topics:
        with ARRIVED:
            ARRIVED.notify_all()
        for listener in list(_LISTENERS):
            listener(frozenset(topics))


@event.listens_for(Session, "after_rollback")
def _forget_added(session: Session) -> None:
    session.info.pop(ADDED, None)


def on_arrival(listener: Callable[[frozenset[str]], None]) -> Callable[[], None]:
    """Call `listener(topics)` (in the committing thread) after every commit in this process that added
    external tasks of `topics`; returns the function that removes it. Listeners must not block."""
    _LISTENERS.append(listener)
    return lambda: _LISTENERS.remove(listener) if listener in _LISTENERS else None


def fetchable_topics(session: Session, topics: Collection[str], now: datetime) -> set[str]:
    """Which of `topics` have a task some worker could lock at `now` (unlocked or expired, retries
    left), whoever may see it: one cheap query that tells parked long polls which of them to wake."""
    if not topics:
        return set()
    stmt = (
        sa.select(ExternalTask.topic)
        .join(ProcessInstance, ProcessInstance.id == ExternalTask.instance_id)
        .where(
            ExternalTask.topic.in_(sorted(topics)),
            sa.or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now),
            sa.or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0),
            ProcessInstance.suspended.is_(False),
        )
        .distinct()
    )
    return set(session.scalars(stmt))


def wait_for_arrival(seconds: float) -> None:
    """Block up to `seconds` (real time) or until a commit in this process adds external tasks."""
    with ARRIVED:
        ARRIVED.wait(timeout=max(seconds, 0.0))


@dataclass
class Filters:
    """GET /external-task filters (Camunda names in the edge; None/empty means "any")."""

    ids: Collection[str] = ()
    topic: str | None = None
    worker_id: str | None = None
    locked: bool = False
    not_locked: bool = False
    with_retries_left: bool = False
    no_retries_left: bool = False
    instance_ids: Collection[str] = ()
    definition_id: str | None = None
    activity_ids: Collection[str] = ()
    priority_min: int | None = None
    priority_max: int | None = None
    suspended: bool | None = None
    extra: list = field(default_factory=list)


def query(actor: Actor, filters: Filters, now: datetime):
    """A SELECT of the external tasks `actor` may see (those of visible instances) matching `filters`."""
    stmt = (
        sa.select(ExternalTask)
        .join(ProcessInstance, ProcessInstance.id == ExternalTask.instance_id)
        .where(visible_filter(actor))
    )
    conditions = [
        (filters.ids, lambda: ExternalTask.id.in_(list(filters.ids))),
        (filters.topic, lambda: ExternalTask.topic == filters.topic),
        (filters.worker_id, lambda: ExternalTask.worker_id == filters.worker_id),
        (filters.locked, lambda: ExternalTask.lock_expires_at > now),
        (
            filters.not_locked,
            lambda: sa.or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now),
        ),
        (filters.with_retries_left, lambda: sa.or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0)),
        (filters.no_retries_left, lambda: ExternalTask.retries == 0),
        (filters.instance_ids, lambda: ExternalTask.instance_id.in_(list(filters.instance_ids))),
        (filters.definition_id, lambda: ExternalTask.definition_id == filters.definition_id),
        (filters.activity_ids, lambda: ExternalTask.element_id.in_(list(filters.activity_ids))),
        (filters.priority_min is not None, lambda: ExternalTask.priority >= filters.priority_min),
        (filters.priority_max is not None, lambda: ExternalTask.priority <= filters.priority_max),
        (filters.suspended is not None, lambda: ProcessInstance.suspended.is_(bool(filters.suspended))),
    ]
    for wanted, condition in conditions:
        if wanted:
            stmt = stmt.where(condition())
    for condition in filters.extra:
        stmt = stmt.where(condition)
    return stmt


def fetchable(
    topic: str,
    now: datetime,
    *,
    business_key: str | None = None,
    definition_ids: Collection[str] = (),
    definition_keys: Collection[str] = (),
):
    """WHERE clauses for tasks a worker may lock now on `topic`: unlocked or lock expired, retries left,
    instance not suspended (Camunda's fetchAndLock)."""
    clauses = [
        ExternalTask.topic == topic,
        sa.or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now),
        sa.or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0),
        ProcessInstance.suspended.is_(False),
    ]
    if business_key is not None:
        clauses.append(ExternalTask.business_key == business_key)
    if definition_ids:
        clauses.append(ExternalTask.definition_id.in_(list(definition_ids)))
    if definition_keys:
        clauses.append(ExternalTask.definition_key.in_(list(definition_keys)))
    return clauses


def incidents_of(session: Session, task_id: str) -> list[Incident]:
    return list(session.scalars(sa.select(Incident).where(Incident.external_task_id == task_id)))
