"""iCalendar invitations (RFC 5545, `icalendar`) for site visits and defense sessions.

One VEVENT per event with a stable UID; every change raises SEQUENCE and is sent as METHOD:REQUEST,
a cancellation as METHOD:CANCEL with STATUS:CANCELLED, so calendar clients update the entry they
already hold. Times carry TZID=Asia/Shanghai with its VTIMEZONE. Each attendee's message is queued in
`calendar_invitation` (sent_at empty = waiting for the mailer) and is also its download link's body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from icalendar import Calendar, Event, vCalAddress
from sqlalchemy.orm import Session

from ..actors import APPLICANT, Actor
from ..clock import SHANGHAI
from ..context import Context
from ..errors import NotFound
from ..store.models import User
from ..store.review_models import CalendarInvitation, Expert

DOMAIN = "consortium-office.qingdao"
ORGANIZER = ("市科技局 / Qingdao Municipal Science and Technology Bureau", "kjj@consortium-office.invalid")


@dataclass(frozen=True)
class Attendee:
    user_id: str
    name: str
    email: str


@dataclass(frozen=True)
class Meeting:
    kind: str  # defense | site_visit
    event_id: int
    uid: str
    summary: str
    location: str
    description: str
    starts_at: datetime
    ends_at: datetime
    sequence: int
    cancelled: bool = False


def attendees(session: Session, user_ids: list[str]) -> list[Attendee]:
    """Names and addresses from the expert pool, else the user record; never an empty address."""
    found = []
    for user_id in dict.fromkeys(user_ids):
        expert = session.get(Expert, user_id)
        user = session.get(User, user_id)
        email = (expert.email if expert else None) or (user.email if user else None)
        name = (expert.name if expert else None) or (user.display_name if user else user_id)
        found.append(Attendee(user_id, name, email or f"{user_id}@users.{DOMAIN}.invalid"))
    return found


def lead_unit_users(session: Session, credit_code: str) -> list[str]:
    stmt = sa.select(User).where(User.org_credit_code == credit_code, User.active.is_(True))
    return [u.id for u in session.scalars(stmt) if APPLICANT in {g.group_id for g in u.groups}]


def render(meeting: Meeting, people: list[Attendee], now: datetime) -> str:
    cal = Calendar()
    cal.add("prodid", "-//consortium-office//expert review//ZH")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if meeting.cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(SHANGHAI))
    event.add("dtend", meeting.ends_at.astimezone(SHANGHAI))
    event.add("summary", meeting.summary)
    event.add("location", meeting.location)
    event.add("description", meeting.description)
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{ORGANIZER[1]}")
    organizer.params["cn"] = ORGANIZER[0]
    event.add("organizer", organizer)
    for person in people:
        address = vCalAddress(f"mailto:{person.email}")
        address.params["cn"] = person.name
        address.params["role"] = "REQ-PARTICIPANT"
        address.params["partstat"] = "NEEDS-ACTION"
        address.params["rsvp"] = "TRUE"
        event.add("attendee", address)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def send(
    session: Session, meeting: Meeting, recipients: list[Attendee], listed: list[Attendee], now: datetime
) -> None:
    """Queue one message per recipient; `listed` are the ATTENDEE lines (applicants see only themselves)."""
    text = render(meeting, listed, now)
    verb = "取消" if meeting.cancelled else ("更新" if meeting.sequence else "邀请")
    for person in recipients:
        session.add(
            CalendarInvitation(
                event_kind=meeting.kind,
                event_id=meeting.event_id,
                recipient=person.user_id,
                email=person.email,
                method="CANCEL" if meeting.cancelled else "REQUEST",
                sequence=meeting.sequence,
                subject=f"【{verb}】{meeting.summary}",
                ics=text,
                created_at=now,
            )
        )


def latest_for(ctx: Context, *, kind: str, event_id: int, actor: Actor) -> str:
    """The caller's current invitation (the download link); NotFound for anyone not invited."""
    with ctx.unit_of_work(write=False) as uow:
        found = uow.session.scalars(
            sa.select(CalendarInvitation)
            .where(
                CalendarInvitation.event_kind == kind,
                CalendarInvitation.event_id == event_id,
                CalendarInvitation.recipient == actor.id,
            )
            .order_by(CalendarInvitation.id.desc())
            .limit(1)
        ).first()
        if found is None:
            raise NotFound(f"没有给您的日程邀请 / No invitation for you to {kind} {event_id}")
        return found.ics


def outbox(ctx: Context, *, recipient: str | None = None) -> list[CalendarInvitation]:
    """Invitations not sent yet (the mailer's queue), oldest first."""
    with ctx.unit_of_work(write=False) as uow:
        stmt = sa.select(CalendarInvitation).where(CalendarInvitation.sent_at.is_(None))
        if recipient:
            stmt = stmt.where(CalendarInvitation.recipient == recipient)
        return list(uow.session.scalars(stmt.order_by(CalendarInvitation.id)))
