"""Named queries behind the inbox page: the task projection joined to its consortium, by view and filter.

The consortium's work list: rounds are read from the application number (CXLHT-<year>-NNNN) and the
industry from the consortium record, so it lives in the domain; the generic task list is
engine/store/tasks.py (and /engine-rest/task).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import Actor
from ...engine.store.models import HumanTask
from ...engine.store.tasks import candidate_filter, visible_filter
from .models import Consortium

VIEWS = ("mine", "groups", "unassigned", "overdue", "due_soon", "all")
DUE_SOON = timedelta(days=3)


@dataclass(frozen=True)
class InboxFilter:
    view: str = "mine"
    round: str | None = None  # the year of the application number, CXLHT-<round>-NNNN
    district: str | None = None
    step: str | None = None  # element id
    industry: str | None = None
    descending: bool = False


def _view_clause(view: str, actor: Actor, now: datetime):
    if view == "mine":
        return HumanTask.assignee == actor.id
    if view == "groups":
        return sa.and_(HumanTask.assignee.is_(None), candidate_filter(actor))
    if view == "unassigned":
        return HumanTask.assignee.is_(None)
    if view == "overdue":
        return HumanTask.due_at < now
    if view == "due_soon":
        return sa.and_(HumanTask.due_at >= now, HumanTask.due_at < now + DUE_SOON)
    return sa.true()


def _filtered(actor: Actor, f: InboxFilter):
    stmt = (
        sa.select(HumanTask, Consortium)
        .outerjoin(Consortium, Consortium.instance_id == HumanTask.instance_id)
        .where(visible_filter(actor))
    )
    if f.round:
        stmt = stmt.where(HumanTask.business_key.like(f"CXLHT-{f.round}-%"))
    if f.district:
        stmt = stmt.where(HumanTask.district == f.district)
    if f.step:
        stmt = stmt.where(HumanTask.element_id == f.step)
    if f.industry:
        stmt = stmt.where(Consortium.industry == f.industry)
    return stmt


def list_rows(
    session: Session, actor: Actor, f: InboxFilter, now: datetime
) -> list[tuple[HumanTask, Consortium]]:
    """Tasks of one view, by due date (undated last), then by age."""
    due = HumanTask.due_at.desc() if f.descending else HumanTask.due_at.asc()
    stmt = (
        _filtered(actor, f)
        .where(_view_clause(f.view, actor, now))
        .order_by(HumanTask.due_at.is_(None), due, HumanTask.created_at, HumanTask.id)
        .limit(500)
    )
    return [(t, c) for t, c in session.execute(stmt).all()]


def count_views(session: Session, actor: Actor, f: InboxFilter, now: datetime) -> dict[str, int]:
    """How many tasks each view holds under the same filters (the numbers on the tabs)."""
    counts = {}
    for view in VIEWS:
        sub = _filtered(actor, f).where(_view_clause(view, actor, now)).subquery()
        counts[view] = session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0
    return counts


def filter_options(session: Session, actor: Actor) -> dict[str, list]:
    """The values the filters offer: only what occurs in the caller's visible tasks (steps with names)."""
    rows = session.execute(
        sa.select(
            HumanTask.business_key,
            HumanTask.district,
            HumanTask.element_id,
            Consortium.industry,
            HumanTask.name,
        )
        .outerjoin(Consortium, Consortium.instance_id == HumanTask.instance_id)
        .where(visible_filter(actor))
    ).all()
    rounds = {key.split("-")[1] for key, *_ in rows if key and key.count("-") >= 2}
    return {
        "round": sorted(rounds),
        "district": sorted({r.district for r in rows if r.district}),
        "step": sorted({(r.element_id, r.name or r.element_id) for r in rows}),
        "industry": sorted({r.industry for r in rows if r.industry}),
    }
