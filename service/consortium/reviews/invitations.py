"""iCalendar invitations (RFC 5545, `icalendar`) for site visits and defense sessions.

One VEVENT per event with a stable UID; every change raises SEQUENCE and is sent as METHOD:REQUEST,
a cancellation as METHOD:CANCEL with STATUS:CANCELLED, so calendar clients update the entry they
already hold. Times carry TZID=Asia/Shanghai with its VTIMEZONE.

Each attendee's message is kept in `calendar_invitation` (the download link serves the latest one),
told in-app, and mailed through the notifications outbox with the .ics attached as
`text/calendar; method=REQUEST|CANCEL`: written in the scheduling transaction, sent after commit, retried
while the relay is down. A person with no known address (a placeholder `.invalid` one in the ATTENDEE
line) gets the in-app notice and the link only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr

import sqlalchemy as sa
from icalendar import Calendar, Event, vCalAddress
from sqlalchemy.orm import Session

from ...actors import APPLICANT, Actor
from ...clock import SHANGHAI
from ...context import Context
from ...deadline_settings import DeadlineSettings
from ...engine import notifications
from ...engine.store.deadline_models import Notification
from ...engine.store.models import User
from ...errors import NotFound
from ..store.review_models import CalendarInvitation, Expert

DOMAIN = "consortium-office.qingdao"
ORGANIZER = ("市科技局 / Qingdao Municipal Science and Technology Bureau", "kjj@consortium-office.invalid")
KIND = "calendar_invitation"  # the in-app notification's kind
LINKS = {"defense": "/api/sessions/{}/invitation.ics", "site_visit": "/api/site-visits/{}/invitation.ics"}


@dataclass(frozen=True)
class Attendee:
    user_id: str
    name: str
    email: str
    mailable: bool = True  # False: a placeholder address, in the ATTENDEE line but never mailed


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
    instance_id: str | None = None  # the application a site visit belongs to (none for a session)

    @property
    def method(self) -> str:
        return "CANCEL" if self.cancelled else "REQUEST"

    @property
    def link(self) -> str:
        return LINKS[self.kind].format(self.event_id)


def attendees(session: Session, user_ids: list[str]) -> list[Attendee]:
    """Names and addresses from the expert pool, else the user record; never an empty address."""
    found = []
    for user_id in dict.fromkeys(user_ids):
        expert = session.get(Expert, user_id)
        user = session.get(User, user_id)
        email = (expert.email if expert else None) or (user.email if user else None)
        name = (expert.name if expert else None) or (user.display_name if user else user_id)
        found.append(Attendee(user_id, name, email or f"{user_id}@users.{DOMAIN}.invalid", bool(email)))
    return found


def lead_unit_users(session: Session, credit_code: str) -> list[str]:
    stmt = sa.select(User).where(User.org_credit_code == credit_code, User.active.is_(True))
    return [u.id for u in session.scalars(stmt) if APPLICANT in {g.group_id for g in u.groups}]


def render(meeting: Meeting, people: list[Attendee], now: datetime) -> str:
    cal = Calendar()
    cal.add("prodid", "-//consortium-office//expert review//ZH")
    cal.add("version", "2.0")
    cal.add("method", meeting.method)
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
    settings: DeadlineSettings,
    session: Session,
    meeting: Meeting,
    recipients: list[Attendee],
    listed: list[Attendee],
    now: datetime,
) -> None:
    """Keep, tell and mail one message per recipient; `listed` are the ATTENDEE lines (applicants see only
    themselves)."""
    text = render(meeting, listed, now)
    verb = "取消" if meeting.cancelled else ("更新" if meeting.sequence else "邀请")
    subject = f"【{verb}】{meeting.summary}"
    starts, ends = meeting.starts_at.astimezone(SHANGHAI), meeting.ends_at.astimezone(SHANGHAI)
    body = (
        f"{subject}\n时间 / When: {starts:%Y-%m-%d %H:%M}–{ends:%Y-%m-%d %H:%M}（北京时间 / Asia/Shanghai）\n"
        f"地点 / Where: {meeting.location}\n"
        f"日历文件见附件，也可下载 / The calendar file is attached and at {meeting.link}"
    )
    attachment = notifications.Attachment("invite.ics", f"text/calendar; method={meeting.method}", text)
    for person in recipients:
        session.add(
            CalendarInvitation(
                event_kind=meeting.kind,
                event_id=meeting.event_id,
                recipient=person.user_id,
                email=person.email,
                method=meeting.method,
                sequence=meeting.sequence,
                subject=subject,
                ics=text,
                created_at=now,
            )
        )
        session.add(Notification(user_id=person.user_id, kind=KIND, subject=subject[:300], body=body,
                                 instance_id=meeting.instance_id, created_at=now))
        if person.mailable:
            notifications.queue_mail(settings, session, to=formataddr((person.name, person.email)),
                                     subject=subject, body=body, now=now, instance_id=meeting.instance_id,
                                     attachments=(attachment,))


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


def sent_to(ctx: Context, *, recipient: str) -> list[CalendarInvitation]:
    """Every message kept for one person, oldest first (what their calendar has been told)."""
    with ctx.unit_of_work(write=False) as uow:
        stmt = sa.select(CalendarInvitation).where(CalendarInvitation.recipient == recipient)
        return list(uow.session.scalars(stmt.order_by(CalendarInvitation.id)))
