"""Named queries behind the inbox: the task projection joined to its consortium and lead unit, by view,
search, filter, sort and page, all in SQL (SQLite and PostgreSQL alike).

The consortium's work list: rounds are read from the application number (CXLHT-<year>-NNNN) and the
industry from the consortium record, so it lives in the domain; the generic task list is
engine/store/tasks.py (and /engine-rest/task). Every query starts from `visible_filter`: a caller only
ever sees the tasks the identity policies let it see (its own, those offered to it within its
organisation or district; city clerks oversee all).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import Actor
from ...clock import SHANGHAI
from ...engine.store.models import HumanTask, Job, ProcessInstance
from ...engine.store.tasks import candidate_filter, visible_filter
from .models import Consortium, Membership, Organisation
from .review_models import Panel, PanelSeat

VIEWS = ("mine", "groups", "unassigned", "overdue", "due_soon", "all")
DUE_SOON = timedelta(days=3)
DUE_FILTERS = ("overdue", "today", "week", "none")
CLAIM_FILTERS = ("me", "groups", "unassigned")
SORTS = ("number", "consortium", "lead", "step", "district", "waiting", "due")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25

_SORT_COLUMNS = {
    "number": HumanTask.business_key,
    "consortium": Consortium.name,
    "lead": Organisation.name,
    "step": HumanTask.name,
    "district": HumanTask.district,
    "waiting": HumanTask.created_at,
    "due": HumanTask.due_at,
}


@dataclass(frozen=True)
class InboxFilter:
    """One inbox request. Every field is already valid (consortium/inbox.parse_filter checks them)."""

    view: str = "mine"
    q: str | None = None  # application number, consortium name or lead unit name (a part of it)
    round: str | None = None  # the year of the application number, CXLHT-<round>-NNNN
    district: str | None = None
    step: str | None = None  # element id
    industry: str | None = None
    due: str | None = None  # one of DUE_FILTERS
    claimed: str | None = None  # one of CLAIM_FILTERS
    sort: str = "due"  # one of SORTS
    descending: bool = False
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: the task, its consortium (None for a process without one), the lead
    unit's name, whether the caller may take it (claim or complete: offered to it, or its own), and
    the application's expert panel (the panel pages an expert's steps link to), if one was drawn."""

    task: HumanTask
    consortium: Consortium | None
    lead_name: str | None
    may_take: bool
    panel_id: int | None = None


@dataclass(frozen=True)
class Declaration:
    """An expert's no-conflict declaration still to sign: work without a task, done on the panel page."""

    panel_id: int
    application_no: str
    consortium: str | None
    lead_name: str | None
    district: str | None
    drawn_at: datetime


def _mine(actor: Actor):
    """What the caller must do: assigned to it, or unassigned and offered to it or to its groups."""
    return sa.or_(
        HumanTask.assignee == actor.id, sa.and_(HumanTask.assignee.is_(None), candidate_filter(actor))
    )


def _mine_or_waiting(actor: Actor):
    """The "mine" view: what the caller must do, and what it delegated and waits to get back (it follows
    it there, marked as delegated; it may not work on it meanwhile)."""
    return sa.or_(_mine(actor), sa.and_(HumanTask.owner == actor.id, HumanTask.delegation_state == "PENDING"))


def _view_clause(view: str, actor: Actor, now: datetime):
    if view == "mine":
        return _mine_or_waiting(actor)
    if view == "groups":
        return sa.and_(HumanTask.assignee.is_(None), candidate_filter(actor))
    if view == "unassigned":
        return HumanTask.assignee.is_(None)
    if view == "overdue":
        return HumanTask.due_at < now
    if view == "due_soon":
        return sa.and_(HumanTask.due_at >= now, HumanTask.due_at < now + DUE_SOON)
    return sa.true()


def _due_clause(due: str, now: datetime):
    if due == "overdue":
        return HumanTask.due_at < now
    if due == "none":
        return HumanTask.due_at.is_(None)
    local = now.astimezone(SHANGHAI)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if due == "today":  # the rest of today in Beijing time, overdue ones excluded
        return sa.and_(HumanTask.due_at >= now, HumanTask.due_at < start + timedelta(days=1))
    return sa.and_(HumanTask.due_at >= now, HumanTask.due_at < start + timedelta(days=8))  # "week"


def _claim_clause(claimed: str, actor: Actor):
    if claimed == "me":
        return HumanTask.assignee == actor.id
    if claimed == "groups":
        return sa.and_(HumanTask.assignee.is_(None), candidate_filter(actor))
    return HumanTask.assignee.is_(None)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(actor: Actor, f: InboxFilter, now: datetime, *columns):
    stmt = (
        sa.select(*columns)
        .select_from(HumanTask)
        .outerjoin(Consortium, Consortium.instance_id == HumanTask.instance_id)
        .outerjoin(Organisation, Organisation.credit_code == Consortium.lead_credit_code)
        .where(visible_filter(actor))
    )
    if f.q:
        pattern = _like(f.q)
        stmt = stmt.where(
            sa.or_(
                *(
                    sa.func.lower(column).like(pattern, escape="\\")
                    for column in (HumanTask.business_key, Consortium.name, Organisation.name)
                )
            )
        )
    if f.round:
        stmt = stmt.where(HumanTask.business_key.like(f"CXLHT-{f.round}-%"))
    if f.district:
        stmt = stmt.where(HumanTask.district == f.district)
    if f.step:
        stmt = stmt.where(HumanTask.element_id == f.step)
    if f.industry:
        stmt = stmt.where(Consortium.industry == f.industry)
    if f.due:
        stmt = stmt.where(_due_clause(f.due, now))
    if f.claimed:
        stmt = stmt.where(_claim_clause(f.claimed, actor))
    return stmt


def list_rows(session: Session, actor: Actor, f: InboxFilter, now: datetime) -> tuple[list[InboxRow], int]:
    """One page of one view's tasks, and how many the view holds under the filters.

    Ordered by `f.sort` (empty values last in either direction), then by age and id, so pages never
    overlap or skip a row between requests that change nothing.
    """
    column = _SORT_COLUMNS[f.sort]
    may_take = sa.case((_mine(actor), sa.true()), else_=sa.false())
    stmt = (
        _filtered(actor, f, now, HumanTask, Consortium, Organisation.name, may_take, Panel.id)
        .outerjoin(Panel, Panel.instance_id == HumanTask.instance_id)
        .where(_view_clause(f.view, actor, now))
        .order_by(
            column.is_(None),
            column.desc() if f.descending else column.asc(),
            HumanTask.created_at,
            HumanTask.id,
        )
        .offset((f.page - 1) * f.size)
        .limit(f.size)
    )
    rows = [
        InboxRow(t, c, lead, bool(take), panel) for t, c, lead, take, panel in session.execute(stmt).all()
    ]
    return _with_consortia(session, rows), _count(session, actor, f, now, f.view)


def _with_consortia(session: Session, rows: list[InboxRow]) -> list[InboxRow]:
    """Rows of a process about a consortium but not its application (a member change, an evaluation, a
    dissolution: their `consortium_id` variable names it) with that consortium and its lead unit's name,
    not "— —" (report-users finding 11)."""
    missing = {row.task.instance_id for row in rows if row.consortium is None}
    if not missing:
        return rows
    found: dict[str, int] = {}
    for instance_id, variables in session.execute(
        sa.select(ProcessInstance.id, ProcessInstance.variables_json).where(ProcessInstance.id.in_(missing))
    ):
        value = json.loads(variables or "{}").get("consortium_id")
        if isinstance(value, int) and not isinstance(value, bool):
            found[instance_id] = value
    if not found:
        return rows
    records = {
        c.id: (c, name)
        for c, name in session.execute(
            sa.select(Consortium, Organisation.name)
            .outerjoin(Organisation, Organisation.credit_code == Consortium.lead_credit_code)
            .where(Consortium.id.in_(set(found.values())))
        )
    }
    filled = []
    for row in rows:
        record = records.get(found.get(row.task.instance_id, -1)) if row.consortium is None else None
        filled.append(replace(row, consortium=record[0], lead_name=record[1]) if record else row)
    return filled


def _count(session: Session, actor: Actor, f: InboxFilter, now: datetime, view: str) -> int:
    sub = _filtered(actor, f, now, HumanTask.id).where(_view_clause(view, actor, now)).subquery()
    return session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0


def count_views(session: Session, actor: Actor, f: InboxFilter, now: datetime) -> dict[str, int]:
    """How many tasks each view holds under the same search and filters (the numbers on the tabs)."""
    return {view: _count(session, actor, f, now, view) for view in VIEWS}


def filter_options(session: Session, actor: Actor) -> dict[str, list]:
    """The values the filters offer: only what occurs in the caller's visible tasks (steps as
    (element id, name, form key): the page names a step in its language by its form)."""
    rows = session.execute(
        sa.select(
            HumanTask.business_key,
            HumanTask.district,
            HumanTask.element_id,
            Consortium.industry,
            HumanTask.name,
            HumanTask.form_key,
        )
        .outerjoin(Consortium, Consortium.instance_id == HumanTask.instance_id)
        .where(visible_filter(actor))
    ).all()
    rounds = {key.split("-")[1] for key, *_ in rows if key and key.count("-") >= 2}
    return {
        "round": sorted(rounds),
        "district": sorted({r.district for r in rows if r.district}),
        "step": sorted({(r.element_id, r.name or r.element_id, r.form_key or "") for r in rows}),
        "industry": sorted({r.industry for r in rows if r.industry}),
    }


def organisation_applications(session: Session, credit_code: str) -> list[tuple[Consortium, str, str]]:
    """The applications an organisation leads or is a member of, newest first, with its role in each
    (`lead`, `core`, `general`) and membership status; the lead-unit and member users' "my applications"."""
    rows = session.execute(
        sa.select(Consortium, Membership.role, Membership.status)
        .join(Membership, Membership.consortium_id == Consortium.id)
        .where(Membership.credit_code == credit_code)
        .order_by(Consortium.created_at.desc(), Consortium.id.desc())
    ).all()
    return [(c, role, status) for c, role, status in rows]


def open_work(session: Session, instance_ids: list[str]) -> tuple[list[HumanTask], list[Job]]:
    """The open tasks and the waiting timers of these instances (what each application waits on)."""
    if not instance_ids:
        return [], []
    tasks = list(session.scalars(
        sa.select(HumanTask).where(HumanTask.instance_id.in_(instance_ids)).order_by(HumanTask.created_at)
    ))
    timers = list(session.scalars(
        sa.select(Job).where(Job.instance_id.in_(instance_ids), Job.kind == "timer").order_by(Job.due_at)
    ))
    return tasks, timers


def organisation_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Registered names by credit code, for the codes given."""
    if not codes:
        return {}
    rows = session.execute(sa.select(Organisation.credit_code, Organisation.name).where(
        Organisation.credit_code.in_(codes)))
    return dict(rows.all())


def pending_declarations(session: Session, expert_id: str, q: str | None) -> list[Declaration]:
    """The panels on which `expert_id` holds a member seat still to declare (status `drawn`), oldest
    draw first, searched like tasks (application number, consortium, lead unit)."""
    stmt = (
        sa.select(Panel.id, Panel.application_no, Consortium.name, Organisation.name, Consortium.district,
                  Panel.drawn_at)
        .join(PanelSeat, PanelSeat.panel_id == Panel.id)
        .outerjoin(Consortium, Consortium.instance_id == Panel.instance_id)
        .outerjoin(Organisation, Organisation.credit_code == Consortium.lead_credit_code)
        .where(PanelSeat.expert_id == expert_id, PanelSeat.role == "member", PanelSeat.status == "drawn")
        .order_by(Panel.drawn_at, Panel.id)
    )
    if q:
        pattern = _like(q)
        stmt = stmt.where(sa.or_(*(sa.func.lower(c).like(pattern, escape="\\")
                                   for c in (Panel.application_no, Consortium.name, Organisation.name))))
    return [Declaration(*row) for row in session.execute(stmt).all()]
