""""My applications": what a lead unit's or member unit's users follow — each application their
organisation leads or joins, its stage, which step waits on whom, and its deadlines.

Who takes a step is shown as the group (and its district or organisation scope) or the person holding
it; an expert is shown as "reviewer" until the round publishes its results (store/reviewer_secrecy.py),
as on the application page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..actors import Actor
from ..context import Context
from ..engine.instances import get_instance
from ..errors import NotFound
from .store import inbox
from .store.models import Consortium
from .store.reviewer_secrecy import ReviewerSecrecy


@dataclass(frozen=True)
class Waiting:
    """One open step: its name, declared `consortium.step` value, and who it waits on: `person` (a user
    id, None when unassigned or a hidden reviewer), `groups` (role names offered it), `hidden`."""

    step: str | None
    step_value: str | None
    person: str | None
    groups: tuple[str, ...]
    scope: str | None  # the district or organisation the group offer is limited to
    since: datetime
    due_at: datetime | None
    hidden: bool = False


@dataclass(frozen=True)
class Timer:
    what: str | None  # the timer event's name in the diagram (None when unnamed)
    due_at: datetime


@dataclass
class MyApplication:
    consortium: Consortium
    role: str  # lead | core | general
    membership: str  # confirmed | invited | declined
    waiting: list[Waiting] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)

    @property
    def deadlines(self) -> list[tuple[str, datetime]]:
        """Every dated thing the application waits on, soonest first: (what, when)."""
        dated = [(w.step or "", w.due_at) for w in self.waiting if w.due_at]
        dated += [(t.what or "", t.due_at) for t in self.timers]
        return sorted(dated, key=lambda d: d[1])


def list_my_applications(ctx: Context, *, actor: Actor) -> list[MyApplication]:
    """The applications the caller's organisation leads or joins (none for a user without one)."""
    if not actor.org_credit_code:
        return []
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        found = [MyApplication(c, role, status)
                 for c, role, status in inbox.organisation_applications(session, actor.org_credit_code)]
        by_instance = {a.consortium.instance_id: a for a in found if a.consortium.instance_id}
        tasks, timers = inbox.open_work(session, list(by_instance))
        secrecy = ReviewerSecrecy(session, actor)
        orgs = inbox.organisation_names(session, {t.organisation for t in tasks if t.organisation})
        for task in tasks:
            person = task.assignee
            users = [c.value for c in task.candidates if c.kind == "user"]
            hidden = not all(secrecy.shows(task.instance_id, u) for u in [person, *users] if u)
            by_instance[task.instance_id].waiting.append(Waiting(
                step=task.name,
                step_value=task.properties.get("consortium.step"),
                person=secrecy.shown(task.instance_id, person),
                groups=tuple(c.value for c in task.candidates if c.kind == "group"),
                scope=orgs.get(task.organisation or "") or (
                    task.district if any(c.value == "district_clerk" for c in task.candidates) else None
                ),
                since=task.created_at,
                due_at=task.due_at,
                hidden=hidden,
            ))
        timed = {t.instance_id for t in timers}
    names = {instance_id: _element_names(ctx, instance_id, actor) for instance_id in timed}
    for timer in timers:
        label = names[timer.instance_id].get(timer.element_id or "")
        by_instance[timer.instance_id].timers.append(Timer(label, timer.due_at))
    return found


def _element_names(ctx: Context, instance_id: str, actor: Actor) -> dict[str, str]:
    try:
        state = get_instance(ctx, instance_id=instance_id, actor=actor)
    except NotFound:
        return {}
    return {a["element_id"]: a["name"] for a in state["activities"] if a.get("name")}
