"""The inbox: open tasks by view (mine, my groups', unassigned, overdue, due soon), filtered and counted."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..actors import Actor
from ..context import Context
from ..engine.store.models import HumanTask
from .store import inbox
from .store.inbox import VIEWS, InboxFilter
from .store.models import Consortium

__all__ = ["VIEWS", "Inbox", "InboxFilter", "list_inbox"]


@dataclass
class Inbox:
    rows: list[tuple[HumanTask, Consortium | None]]
    counts: dict[str, int]
    options: dict[str, list[str]] = field(default_factory=dict)


def list_inbox(ctx: Context, *, actor: Actor, filters: InboxFilter) -> Inbox:
    """One view's tasks with the counts of every view, all under the same filters and the caller's scope."""
    now = ctx.now()
    if filters.view not in VIEWS:
        filters = InboxFilter(**{**filters.__dict__, "view": "mine"})
    with ctx.unit_of_work(write=False) as uow:
        return Inbox(
            rows=inbox.list_rows(uow.session, actor, filters, now),
            counts=inbox.count_views(uow.session, actor, filters, now),
            options=inbox.filter_options(uow.session, actor),
        )
