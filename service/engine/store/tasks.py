"""Named queries over the human-task projection; every one is scoped to what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from ...actors import ADMIN, DISTRICT_CLERK, PROCESS_OWNER, Actor
from ...errors import NotFound
from .models import HumanTask, TaskCandidate
from .visibility import IdentityVisibility

NOT_FOUND = "任务不存在 / Task {id} does not exist"
WITHOUT_CANDIDATES = lazyload(HumanTask.candidates)
"""For commands: they check candidates by query (`may_work_on`) and never read the rows, so the eager
load the model does for lists would be one more statement per task loaded (bench/, issue 8)."""


def scope_key(kind: str, value: str, *, organisation: str | None, district: str | None) -> str:
    """The one string under which a candidate row is found: the offer and its scope together.

    A task scoped to an organisation is offered to that organisation's users of the group; a
    district-clerk task to the clerks of the instance's district; anything else to the whole group.
    """
    if kind == "user":
        return f"user:{value}"
    if organisation:
        return f"group:{value}@org:{organisation}"
    if value == DISTRICT_CLERK:
        return f"group:{value}@district:{district or ''}"
    return f"group:{value}"


def actor_keys(actor: Actor) -> list[str]:
    """Every scope key under which a task may be offered to `actor`."""
    keys = [f"user:{actor.id}"]
    for group in sorted(actor.groups):
        if group == DISTRICT_CLERK:
            if actor.district:
                keys.append(f"group:{group}@district:{actor.district}")
        else:
            keys.append(f"group:{group}")
        if actor.org_credit_code:
            keys.append(f"group:{group}@org:{actor.org_credit_code}")
    return keys


def _offered_to(kind: str, value: str):
    return sa.select(TaskCandidate.task_id).where(TaskCandidate.kind == kind, TaskCandidate.value == value)


def candidate_filter(actor: Actor):
    """Tasks `actor` could take: offered to it, or to its groups within its organisation or district."""
    return offered_under(actor_keys(actor))


def offered_under(keys) -> sa.ColumnElement[bool]:
    """Tasks offered under any of these scope keys (`actor_keys`)."""
    return HumanTask.id.in_(sa.select(TaskCandidate.task_id).where(TaskCandidate.scope_key.in_(list(keys))))


def visible_filter(actor: Actor):
    """Tasks assigned to the actor, or unassigned ones it is a candidate for, or ones it delegated
    (it owns them: it follows them and gets them back); city clerks oversee all.

    A task claimed by someone else disappears from a candidate's view: an expert must never see a
    colleague's score sheet because both are in the `expert` group.
    """
    if actor.sees_everything:
        return sa.true()
    mine = sa.or_(HumanTask.assignee == actor.id, HumanTask.owner == actor.id)
    return sa.or_(mine, sa.and_(HumanTask.assignee.is_(None), candidate_filter(actor)))


@dataclass
class TaskQuery:
    instance_id: str | None = None
    business_key: str | None = None
    definition_key: str | None = None
    element_id: str | None = None
    assignee: str | None = None
    owner: str | None = None
    delegation_state: str | None = None  # PENDING | RESOLVED (Camunda's `delegationState`)
    candidate_group: str | None = None
    candidate_user: str | None = None
    unassigned: bool = False
    assigned: bool = False
    due_before: datetime | None = None
    due_after: datetime | None = None
    district: str | None = None
    sort_by: str = "created"
    descending: bool = False
    first: int = 0
    max_results: int | None = 100


SORTABLE = {
    "created": HumanTask.created_at,
    "dueDate": HumanTask.due_at,
    "name": HumanTask.name,
    "priority": HumanTask.priority,
    "assignee": HumanTask.assignee,
    "id": HumanTask.id,
}


def _query(actor: Actor, q: TaskQuery):
    stmt = sa.select(HumanTask).where(visible_filter(actor))
    conditions = {
        HumanTask.instance_id: q.instance_id,
        HumanTask.business_key: q.business_key,
        HumanTask.definition_key: q.definition_key,
        HumanTask.element_id: q.element_id,
        HumanTask.assignee: q.assignee,
        HumanTask.owner: q.owner,
        HumanTask.delegation_state: q.delegation_state,
        HumanTask.district: q.district,
    }
    for column, value in conditions.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if q.candidate_group:
        stmt = stmt.where(HumanTask.id.in_(_offered_to("group", q.candidate_group)))
    if q.candidate_user:
        stmt = stmt.where(HumanTask.id.in_(_offered_to("user", q.candidate_user)))
    if q.unassigned:
        stmt = stmt.where(HumanTask.assignee.is_(None))
    if q.assigned:
        stmt = stmt.where(HumanTask.assignee.is_not(None))
    if q.due_before is not None:
        stmt = stmt.where(HumanTask.due_at < q.due_before)
    if q.due_after is not None:
        stmt = stmt.where(HumanTask.due_at > q.due_after)
    return stmt


def _probes_a_reviewer(session: Session, actor: Actor, q: TaskQuery) -> bool:
    """Whether `q` filters by an expert the caller may not know about (the answer would name them).

    The rows themselves never need redacting: `visible_filter` gives a caller who does not see
    everything only tasks assigned to itself, delegated by itself (their delegate is a user the task
    is offered to, chosen by the caller) or unassigned ones.
    """
    secrecy = IdentityVisibility(session, actor)
    return not all(secrecy.may_probe(who) for who in (q.assignee, q.owner, q.candidate_user))


def list_visible(session: Session, actor: Actor, q: TaskQuery | None = None, *,
                 candidates: bool = True) -> list[HumanTask]:
    """The tasks `actor` may see matching `q`, sorted and paged; with their candidate rows unless
    `candidates` is False (a caller that shows none saves the statement loading them)."""
    q = q or TaskQuery()
    if _probes_a_reviewer(session, actor, q):
        return []
    column = SORTABLE.get(q.sort_by, HumanTask.created_at)
    order = column.desc() if q.descending else column.asc()
    stmt = _query(actor, q).order_by(order, HumanTask.id).offset(q.first)
    if not candidates:
        stmt = stmt.options(WITHOUT_CANDIDATES)
    if q.max_results is not None:
        stmt = stmt.limit(q.max_results)
    return list(session.scalars(stmt))


def count_visible(session: Session, actor: Actor, q: TaskQuery | None = None) -> int:
    q = q or TaskQuery()
    if _probes_a_reviewer(session, actor, q):
        return 0
    sub = _query(actor, q).subquery()
    return session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0


def get_visible(session: Session, task_id: str, actor: Actor, *, candidates: bool = True) -> HumanTask:
    stmt = sa.select(HumanTask).where(HumanTask.id == task_id, visible_filter(actor))
    if not candidates:
        stmt = stmt.options(WITHOUT_CANDIDATES)
    task = session.scalars(stmt).first()
    if task is None:
        raise NotFound(NOT_FOUND.format(id=task_id))
    return task


@dataclass
class OpenTask:
    """An open task read under its instance's lock, with what the actor's checks need."""

    row: HumanTask
    offered: bool
    """Whether it is offered to the actor (by user or by group within its scope): `is_candidate`."""

    def visible_to(self, actor: Actor) -> bool:
        """`visible_filter`, on the row already read."""
        if actor.sees_everything or actor.id in (self.row.assignee, self.row.owner):
            return True  # the owner of a task it delegated follows it (report-a finding 10)
        return self.row.assignee is None and self.offered

    def may_work_on(self, session: Session, actor: Actor) -> bool:
        """`may_work_on`, on the row already read (a query only for an administrator or a process owner
        looking at a task offered to nobody)."""
        if self.row.assignee is not None:
            return self.row.assignee == actor.id
        return self.offered or (actor.has(ADMIN, PROCESS_OWNER) and offered_to_nobody(session, self.row))


def open_of_instance(session: Session, instance_id: str, actor: Actor) -> list[OpenTask]:
    """Every open task of the instance, freshly read (the caller holds the instance lock), each with
    whether it is offered to `actor`: one statement for what a completion checks (issue 18)."""
    stmt = (
        sa.select(HumanTask, candidate_filter(actor).label("offered"))
        .where(HumanTask.instance_id == instance_id)
        .options(WITHOUT_CANDIDATES)
        .execution_options(populate_existing=True)
    )
    return [OpenTask(row, bool(offered)) for row, offered in session.execute(stmt)]


def may_work_on(session: Session, task: HumanTask, actor: Actor) -> bool:
    """Whether `actor` may claim or complete `task` (being able to see it is not enough for city clerks)."""
    if task.assignee is not None:
        return task.assignee == actor.id
    if is_candidate(session, task, actor):
        return True
    return actor.has(ADMIN, PROCESS_OWNER) and offered_to_nobody(session, task)


def offered_to_nobody(session: Session, task: HumanTask) -> bool:
    """Whether the task names no candidate user or group: only an administrator or a process owner may
    then claim it or hand it to someone (issue 15 item 3; Camunda lets an authorised user do so)."""
    stmt = sa.select(TaskCandidate.task_id).where(TaskCandidate.task_id == task.id).limit(1)
    return session.scalars(stmt).first() is None


def is_candidate(session: Session, task: HumanTask, actor: Actor) -> bool:
    """Whether the task is offered to `actor` (by user or by group within its scope), whoever holds it now."""
    stmt = sa.select(HumanTask.id).where(HumanTask.id == task.id, candidate_filter(actor))
    return session.scalars(stmt).first() is not None


def assign_if_unclaimed(session: Session, task_id: str, user_id: str) -> bool:
    """Claim as one conditional UPDATE: of two clerks clicking at once, exactly one wins."""
    result = session.execute(
        sa.update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.assignee.is_(None))
        .values(assignee=user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_assignee(session: Session, task_id: str, user_id: str | None) -> None:
    session.execute(
        sa.update(HumanTask)
        .where(HumanTask.id == task_id)
        .values(assignee=user_id)
        .execution_options(synchronize_session=False)
    )


def reassign(session: Session, task: HumanTask, user_id: str | None, *, end_delegation: bool) -> bool:
    """Set the assignee of `task` as it was read (its assignee and delegation state unchanged since:
    False when another request changed them meanwhile); `end_delegation` also clears the delegation
    state and the owner, so a task whose delegation ended is an ordinary task again."""
    values: dict[str, object] = {"assignee": user_id}
    if end_delegation:
        values.update(delegation_state=None, owner=None)
    result = session.execute(
        sa.update(HumanTask)
        .where(
            HumanTask.id == task.id,
            HumanTask.assignee.is_(None) if task.assignee is None else HumanTask.assignee == task.assignee,
            HumanTask.delegation_state.is_(None) if task.delegation_state is None
            else HumanTask.delegation_state == task.delegation_state,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def delegate(session: Session, task_id: str, user_id: str, owner: str | None, *, keep_owner: bool = True
             ) -> None:
    """Camunda's `TaskEntity.delegate`: the delegation PENDING, the owner kept (or set to `owner`, the
    assignee who delegates, when the task has none yet), the task assigned to `user_id`.
    `keep_owner=False`: `owner` replaces an owner left from an earlier delegation that has ended."""
    session.execute(
        sa.update(HumanTask)
        .where(HumanTask.id == task_id)
        .values(assignee=user_id, delegation_state="PENDING",
                owner=sa.func.coalesce(HumanTask.owner, owner) if keep_owner else owner)
        .execution_options(synchronize_session=False)
    )


def resolve(session: Session, task_id: str) -> None:
    """Camunda's `TaskEntity.resolve`: the delegation RESOLVED and the task assigned back to its owner."""
    session.execute(
        sa.update(HumanTask)
        .where(HumanTask.id == task_id)
        .values(assignee=HumanTask.owner, delegation_state="RESOLVED")
        .execution_options(synchronize_session=False)
    )


def next_for(session: Session, actor: Actor, instance_id: str) -> str | None:
    """The actor's next task in the same application: one assigned to it, else one it may claim."""
    stmt = (
        sa.select(HumanTask.id)
        .where(
            HumanTask.instance_id == instance_id,
            sa.or_(
                HumanTask.assignee == actor.id,
                sa.and_(HumanTask.assignee.is_(None), candidate_filter(actor)),
            ),
        )
        .order_by(HumanTask.assignee.is_(None), HumanTask.created_at, HumanTask.id)
    )
    return session.scalars(stmt).first()
