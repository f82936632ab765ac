"""The defense calendar: a week of defense sessions and site visits, each shown only as far as the reader
may see it, and its `.ics` file.

Who sees what (per application in an event, so a session shared by several districts shows each
district only its own consortia): the city bureau sees everything; a district clerk the applications of
its district; an expert only the applications it holds a declared seat for (or a site visit it takes
part in); anyone else (lead units, members) only the applications they may see whose round published
its results, because the panel is hidden from applicants until then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from ...actors import ADMIN, CITY_CLERK, DISTRICT_CLERK, EXPERT, Actor
from ...clock import SHANGHAI, local_today
from ...context import Context
from ...engine.store import instances
from ...engine.store.models import ProcessInstance, User
from ...errors import NotFound
from ..store import consortia, reviews
from ..store.review_models import DefenseSession, Expert, SiteVisit
from ..store.reviewer_secrecy import ReviewerSecrecy
from . import invitations
from .panel_access import anonymised, results_published
from .panels import seated_experts
from .scheduling import defense_meeting, visit_meeting

KINDS = ("defense", "site_visit")


@dataclass
class CalendarItem:
    """One consortium within an event: its slot and the people reviewing it."""

    application_no: str
    name: str | None
    instance_id: str
    starts_at: datetime
    ends_at: datetime
    panel: list[str]  # display names, "王教授 (expert1)"


@dataclass
class CalendarEvent:
    kind: str  # defense | site_visit
    event_id: int
    starts_at: datetime
    ends_at: datetime
    place: str  # the room, or the lead unit's address
    items: list[CalendarItem] = field(default_factory=list)

    @property
    def day(self) -> date:
        return self.starts_at.astimezone(SHANGHAI).date()


@dataclass
class Week:
    monday: date
    today: date
    days: list[tuple[date, list[CalendarEvent]]]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def following(self) -> date:
        return self.monday + timedelta(days=7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def read_week(ctx: Context, *, actor: Actor, day: date | None = None) -> Week:
    """Monday to Sunday (Asia/Shanghai) of the week holding `day` (default: today)."""
    today = local_today(ctx.now())
    monday = monday_of(day or today)
    starts = datetime.combine(monday, time(0), tzinfo=SHANGHAI)
    ends = starts + timedelta(days=7)
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        events = [_defense_event(session, s, actor) for s in reviews.sessions_in(session, starts, ends)]
        events += [_visit_event(session, v, actor) for v in reviews.visits_in(session, starts, ends)]
    shown = sorted((e for e in events if e.items), key=lambda e: (e.starts_at, e.kind, e.event_id))
    days = [(monday + timedelta(days=n), []) for n in range(7)]
    for event in shown:
        days[(event.day - monday).days][1].append(event)
    return Week(monday=monday, today=today, days=days)


def event_ics(ctx: Context, *, kind: str, event_id: int, actor: Actor) -> str:
    """The caller's own invitation if one was sent to it (the same message as the e-mail); otherwise, for
    a reader who may see the event (a district clerk, another city clerk), the event without attendees,
    listing only the consortia the reader may see.

    Raises:
        NotFound: no such event, or nothing of it is visible to the caller.
    """
    if kind not in KINDS:
        raise NotFound(f"日程不存在 / No such event {kind}")
    try:
        return invitations.latest_for(ctx, kind=kind, event_id=event_id, actor=actor)
    except NotFound:
        pass
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        if kind == "defense":
            record = reviews.get_session(session, event_id)
            event = _defense_event(session, record, actor)
            visible = {i.application_no for i in event.items}
            slots = [s for s in reviews.slots_of(session, record.id) if s.application_no in visible]
            meeting = defense_meeting(session, record, slots)
        else:
            visit = reviews.get_visit(session, event_id)
            event = _visit_event(session, visit, actor)
            meeting = visit_meeting(visit)
        if not event.items:
            raise NotFound(f"日程不存在 / No such event {kind} {event_id}")
        return invitations.render(meeting, [], ctx.now())


def _defense_event(session: Session, record: DefenseSession, actor: Actor) -> CalendarEvent:
    event = CalendarEvent("defense", record.id, record.starts_at, record.ends_at, record.room)
    for slot in reviews.slots_of(session, record.id):
        panel = seated_experts(session, slot.instance_id)
        if _may_see(session, actor, slot.instance_id, panel):
            event.items.append(_item(session, slot.instance_id, slot.starts_at, slot.ends_at, panel, actor))
    return event


def _visit_event(session: Session, visit: SiteVisit, actor: Actor) -> CalendarEvent:
    event = CalendarEvent("site_visit", visit.id, visit.starts_at, visit.ends_at, visit.address)
    people = json.loads(visit.participants_json)
    if _may_see(session, actor, visit.instance_id, people):
        event.items.append(_item(session, visit.instance_id, visit.starts_at, visit.ends_at, people, actor))
    return event


def _may_see(session: Session, actor: Actor, instance_id: str, people: list[str]) -> bool:
    if actor.has(CITY_CLERK, ADMIN):
        return True
    row = session.get(ProcessInstance, instance_id)
    if actor.has(DISTRICT_CLERK) and actor.district and row is not None and row.district == actor.district:
        return True
    if actor.has(EXPERT) and actor.id in people:
        return True
    if not results_published(session, instance_id):
        return False
    try:
        instances.get_visible(session, instance_id, actor)
    except NotFound:
        return False
    return True


def _item(session: Session, instance_id: str, starts_at, ends_at, people: list[str],
          actor: Actor) -> CalendarItem:
    """The consortium's slot; each expert the reader may not know (a district clerk, an applicant: breakit
    F15) by its label 专家一、专家二… (panel_access.anonymised), everyone else by name and login."""
    record = consortia.find_by_instance(session, instance_id)
    secrecy = ReviewerSecrecy(session, actor)
    shown = anonymised(session, secrecy, instance_id, people)
    return CalendarItem(
        application_no=record.application_no if record else instance_id,
        name=record.name if record else None,
        instance_id=instance_id,
        starts_at=starts_at,
        ends_at=ends_at,
        panel=[_display(session, p) if p == label else label for p, label in zip(people, shown, strict=True)],
    )


def _display(session: Session, user_id: str) -> str:
    """"王教授 (expert1)": the name people know, and the login clerks search by."""
    person = session.get(Expert, user_id)
    name = person.name if person else getattr(session.get(User, user_id), "display_name", None)
    return f"{name} ({user_id})" if name else user_id
