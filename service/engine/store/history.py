"""History read from the audit trail: task and activity instances as Camunda's history service shows them.

The audit trail already records every task's creation, claims and completion and every element a
service task, timer or end event passed, with its actor and time; history is a projection of it, not
a second record that could disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import EXPERT, Actor
from . import activity_history, instances
from .models import AuditEvent, HumanTask, ProcessInstance
from .visibility import IdentityVisibility

TASK_ACTIONS = ("task.created", "task.claimed", "task.unclaimed", "task.assigned", "task.delegated",
                "task.resolved", "task.completed", "task.canceled")


@dataclass
class HistoricTask:
    id: str
    instance_id: str
    definition_id: str
    definition_key: str
    element_id: str | None
    name: str | None = None
    assignee: str | None = None
    owner: str | None = None  # who delegated it (Camunda's `owner`), from `task.delegated`
    start: datetime | None = None
    end: datetime | None = None
    completed_by: str | None = None
    due: datetime | None = None
    follow_up: datetime | None = None
    priority: int | None = None
    canceled: bool = False
    delete_reason: str | None = None
    """Camunda's deleteReason: "completed", or "deleted" for a task cancelled by the process."""


@dataclass
class HistoricActivity:
    id: str
    instance_id: str
    definition_id: str
    definition_key: str
    element_id: str
    task_id: str | None = None
    assignee: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    canceled: bool = False
    extra: dict = field(default_factory=dict)


def _events(session: Session, actor: Actor, *, instance_id: str | None, actions: tuple[str, ...] | None):
    query = (
        sa.select(AuditEvent, ProcessInstance.definition_id, ProcessInstance.definition_key)
        .join(ProcessInstance, ProcessInstance.id == AuditEvent.instance_id)
        .where(instances.visible_filter(actor))
        .order_by(AuditEvent.id)
    )
    if instance_id is not None:
        query = query.where(AuditEvent.instance_id == instance_id)
    if actions is not None:
        query = query.where(AuditEvent.action.in_(actions))
    return session.execute(query).all()


def instance_of_task(session: Session, task_id: str) -> str | None:
    """The instance a (possibly completed) task belonged to, from its audit events."""
    return session.scalar(
        sa.select(AuditEvent.instance_id)
        .where(AuditEvent.task_id == task_id)
        .order_by(AuditEvent.id)
        .limit(1)
    )


def _own_only(actor: Actor) -> bool:
    """Experts see their own tasks only: never a colleague's score sheet, even in history."""
    return actor.has(EXPERT) and not actor.sees_everything


def tasks(session: Session, actor: Actor, *, instance_id: str | None = None) -> list[HistoricTask]:
    """Every task the audit trail knows in instances `actor` may see, oldest first.

    `assignee` and `completed_by` are None where a registered identity policy (store/visibility.py;
    the consortium's ReviewerSecrecy) hides the identity from `actor`.
    """
    found: dict[str, HistoricTask] = {}
    for event, definition_id, definition_key in _events(
        session, actor, instance_id=instance_id, actions=TASK_ACTIONS
    ):
        if not event.task_id:
            continue
        detail = json.loads(event.detail_json or "{}")
        task = found.get(event.task_id)
        if task is None:
            task = found[event.task_id] = HistoricTask(
                id=event.task_id,
                instance_id=event.instance_id,
                definition_id=definition_id,
                definition_key=definition_key,
                element_id=event.element_id,
                start=event.at,
            )
        if event.action == "task.created":
            task.name = detail.get("name")
            task.assignee = detail.get("assignee")
            task.start = event.at
        elif event.action == "task.claimed":
            task.assignee = event.actor
        elif event.action == "task.unclaimed":
            task.assignee = None
        elif event.action in ("task.assigned", "task.delegated", "task.resolved"):
            task.assignee = detail.get("to")
            if event.action == "task.delegated":
                task.owner = detail.get("owner") or task.owner
        elif event.action == "task.completed":
            task.end = event.at
            task.completed_by = event.actor
            task.assignee = task.assignee or event.actor
            task.delete_reason = "completed"
        elif event.action == "task.canceled":  # ended by the process, not by a person (issue 12)
            task.end = event.at
            task.canceled = True
            task.delete_reason = detail.get("deleteReason") or "deleted"
    _add_open_details(session, found)
    result = list(found.values())
    if _own_only(actor):
        result = [t for t in result if actor.id in (t.assignee, t.completed_by, t.owner)]
    secrecy = IdentityVisibility(session, actor)
    for task in result:  # who reviews whom stays hidden until publication (reviewer_secrecy.py)
        task.assignee = secrecy.shown(task.instance_id, task.assignee)
        task.completed_by = secrecy.shown(task.instance_id, task.completed_by)
        task.owner = secrecy.shown(task.instance_id, task.owner)
    return result


def _add_open_details(session: Session, found: dict[str, HistoricTask]) -> None:
    """Due date, follow-up and priority are not audited; open tasks still have them in the projection."""
    open_ids = [t.id for t in found.values() if t.end is None]
    if not open_ids:
        return
    for row in session.scalars(sa.select(HumanTask).where(HumanTask.id.in_(open_ids))):
        task = found[row.id]
        task.due, task.follow_up, task.priority = row.due_at, row.follow_up_at, row.priority
        task.assignee = row.assignee


def activities(session: Session, actor: Actor, *, instance_id: str | None = None) -> list[HistoricActivity]:
    """Activity instances: those the engine noted as it ran (store/activity_history.py, one per activity
    instance with its start, end and `canceled`); for instances that ran before those notes existed,
    the user tasks (created..completed) and the elements other audit events name."""
    result: list[HistoricActivity] = []
    found_tasks = tasks(session, actor, instance_id=instance_id)
    noted: set[str] = set()
    if not _own_only(actor):
        query = sa.select(ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.definition_key
                          ).where(instances.visible_filter(actor))
        if instance_id is not None:
            query = query.where(ProcessInstance.id == instance_id)
        seen = {i: (d, k) for i, d, k in session.execute(query)}
        by_task = {t.id: t for t in found_tasks}
        for row in activity_history.rows(session, list(seen)):
            noted.add(row.instance_id)
            definition_id, definition_key = seen[row.instance_id]
            human = by_task.get(row.id)
            result.append(HistoricActivity(
                id=f"{row.element_id}:{row.id}", instance_id=row.instance_id, definition_id=definition_id,
                definition_key=definition_key, element_id=row.element_id,
                task_id=human.id if human else None, assignee=human.assignee if human else None,
                start=row.started_at, end=row.ended_at, canceled=row.canceled,
                extra={"name": row.name, "kind": row.kind, "seq": row.seq, "process_key": row.process_key}))
    for task in found_tasks:
        if task.element_id is None or task.instance_id in noted:
            continue
        result.append(
            HistoricActivity(
                id=f"{task.element_id}:{task.id}",
                instance_id=task.instance_id,
                definition_id=task.definition_id,
                definition_key=task.definition_key,
                element_id=task.element_id,
                task_id=task.id,
                assignee=task.assignee,
                start=task.start,
                end=task.end,
                canceled=task.canceled,
                extra={"name": task.name},
            )
        )
    if not _own_only(actor):
        external: dict[str, HistoricActivity] = {}
        for event, definition_id, definition_key in _events(
            session, actor, instance_id=instance_id, actions=None
        ):
            if event.action.startswith("task.") or not event.element_id or event.instance_id in noted:
                continue
            if event.action.startswith("externalTask.") and event.task_id:
                _external_step(external, result, event, definition_id, definition_key)
                continue
            result.append(
                HistoricActivity(
                    id=f"{event.element_id}:{event.id}",
                    instance_id=event.instance_id,
                    definition_id=definition_id,
                    definition_key=definition_key,
                    element_id=event.element_id,
                    start=event.at,
                    end=event.at,
                )
            )
    result.sort(key=lambda a: (a.start or datetime.min, a.extra.get("seq", 0), a.id))
    return result


EXTERNAL_ENDS = {"externalTask.completed": False, "externalTask.bpmnError": True}
"""The external-task events that end its activity instance, and whether it ends canceled (a BPMN error
interrupts the service task for the boundary event that catches it, as in Camunda's history)."""


def _external_step(external: dict[str, HistoricActivity], result: list[HistoricActivity], event: AuditEvent,
                   definition_id: str, definition_key: str) -> None:
    """One activity instance per external task, however many times it was locked, extended, failed or
    retried (Camunda lists the service task once): from its first event to its completion or BPMN
    error (issue 12)."""
    activity = external.get(event.task_id)
    if activity is None:
        activity = external[event.task_id] = HistoricActivity(
            id=f"{event.element_id}:{event.task_id}",
            instance_id=event.instance_id,
            definition_id=definition_id,
            definition_key=definition_key,
            element_id=event.element_id,
            start=event.at,
        )
        result.append(activity)
    if event.action in EXTERNAL_ENDS:
        activity.end = event.at
        activity.canceled = EXTERNAL_ENDS[event.action]
