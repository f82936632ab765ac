"""Invitations by e-mail: each attendee's mail arrives at a real SMTP server on loopback after commit, with
the .ics attached as `text/calendar; method=REQUEST|CANCEL`; site visits change and cancel like sessions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from service.clock import SHANGHAI
from service.consortium.reviews import invitations, panels, scheduling
from service.consortium.store.review_models import Expert
from service.engine import jobs, notifications
from service.engine.store.models import User
from service.errors import Conflict, InvalidInput
from tests.support.procedure import Walk
from tests.support.smtp import Inbox, free_port, mail_context, receiving

from .support import declare_all, open_round, walk_to_panel

DAY = date(2026, 3, 20)
PANEL = [f"expert{i}" for i in range(1, 6)]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=SHANGHAI)


def address(login: str) -> str:
    return f"{login}@mail.example.cn"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def mail_ctx(database_url, clock, port):
    """Experts, the clerk and the lead unit's user with addresses; the relay on loopback."""
    context = mail_context(database_url, clock, port)
    with context.unit_of_work() as uow:
        for login in [*PANEL, "city1", "lead1"]:
            uow.session.execute(sa.update(User).where(User.id == login).values(email=address(login)))
        for login in PANEL:
            uow.session.execute(sa.update(Expert).where(Expert.user_id == login).values(email=address(login)))
        uow.commit()
    yield context
    context.db.dispose()


@pytest.fixture
def seated(mail_ctx) -> Walk:
    walk = walk_to_panel(mail_ctx, open_round(mail_ctx, Walk(mail_ctx), panel_reserves=0))
    drawn = panels.draw_panel(
        mail_ctx, round_id=walk.round_id, application_no=walk.business_key, actor=walk.actor("city1")
    )
    assert sorted(drawn["drawn"]) == PANEL
    declare_all(mail_ctx, walk, drawn["panelId"], drawn["drawn"])
    return walk


def deliver(ctx, port: int) -> Inbox:
    """Run the outbox (the scheduler's job) against the loopback relay."""
    with receiving(port) as inbox:
        jobs.fire_due_jobs(ctx)
    return inbox


def invitation(message) -> tuple[str, Calendar]:
    """The method parameter of the mail's calendar part, and the calendar parsed back."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def only(inbox: Inbox, login: str) -> tuple[str, Calendar]:
    [message] = inbox.to(address(login))
    return invitation(message)


def attendees(event) -> list[str]:
    found = event.get("attendee")
    return sorted(str(a) for a in (found if isinstance(found, list) else [found]))


def test_a_site_visit_is_mailed_changed_and_cancelled(mail_ctx, seated, port):
    walk, clerk = seated, seated.actor("city1")
    visit = scheduling.schedule_site_visit(
        mail_ctx, actor=clerk, application_no=walk.business_key, starts_at=at(14), ends_at=at(16),
        address="青岛市崂山区科苑纬一路1号",
    )
    inbox = deliver(mail_ctx, port)
    assert len(inbox.messages) == 7  # five experts, the clerk, the lead unit's user
    method, sent = only(inbox, "expert1")
    event = sent.walk("VEVENT")[0]
    assert method == "REQUEST" and sent.get("method") == "REQUEST" and int(event.get("sequence")) == 0
    assert event.get("dtstart").params["TZID"] == "Asia/Shanghai" and event.decoded("dtstart") == at(14)
    assert [tz.get("tzid") for tz in sent.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert attendees(event) == sorted(f"mailto:{address(p)}" for p in [*PANEL, "city1"])
    _, own = only(inbox, "lead1")
    assert attendees(own.walk("VEVENT")[0]) == [f"mailto:{address('lead1')}"]  # never the panel
    [message] = inbox.to(address("expert1"))
    assert message["Subject"].startswith("【邀请】现场考察") and f"/api/site-visits/{visit['id']}" in (
        message.get_body(("plain",)).get_content()
    )
    assert any(n.kind == "calendar_invitation" for n in notifications.list_notifications(
        mail_ctx, actor=walk.actor("expert1")))

    # the same checks as a new booking: a defense session in the way refuses the move, and sends nothing
    scheduling.schedule_defense(
        mail_ctx, actor=clerk, round_id=walk.round_id, room="第一会议室", starts_at=at(9), ends_at=at(12),
        slots=[{"application_no": walk.business_key, "starts_at": at(9), "ends_at": at(10)}],
    )
    deliver(mail_ctx, port)
    with pytest.raises(InvalidInput) as clash:
        scheduling.change_site_visit(mail_ctx, actor=clerk, visit_id=visit["id"], starts_at=at(11),
                                     ends_at=at(13))
    assert list(clash.value.fields) == ["experts"] and "答辩会" in clash.value.fields["experts"][0]
    assert deliver(mail_ctx, port).messages == []

    # moved an hour later without expert5: an update for those coming, a CANCEL for expert5
    scheduling.change_site_visit(mail_ctx, actor=clerk, visit_id=visit["id"], starts_at=at(15),
                                 ends_at=at(17), participants=[*PANEL[:4], "city1"])
    inbox = deliver(mail_ctx, port)
    method, moved = only(inbox, "expert1")
    event = moved.walk("VEVENT")[0]
    assert method == "REQUEST" and int(event.get("sequence")) == 1 and event.decoded("dtstart") == at(15)
    assert event.get("uid") == f"site-visit-{visit['id']}@{invitations.DOMAIN}"
    assert f"mailto:{address('expert5')}" not in attendees(event)
    method, dropped = only(inbox, "expert5")
    assert (method, dropped.get("method")) == ("CANCEL", "CANCEL")
    assert int(dropped.walk("VEVENT")[0].get("sequence")) == 1
    assert int(only(inbox, "lead1")[1].walk("VEVENT")[0].get("sequence")) == 1

    scheduling.cancel_site_visit(mail_ctx, actor=clerk, visit_id=visit["id"], reason="企业停产检修")
    inbox = deliver(mail_ctx, port)
    told = sorted(m["To"].addresses[0].username for m in inbox.messages)
    assert told == sorted([*PANEL[:4], "city1", "lead1"])
    method, cancelled = only(inbox, "lead1")
    event = cancelled.walk("VEVENT")[0]
    assert (method, cancelled.get("method"), event.get("status")) == ("CANCEL", "CANCEL", "CANCELLED")
    assert int(event.get("sequence")) == 2
    expert2 = walk.actor("expert2")
    link = invitations.latest_for(mail_ctx, kind="site_visit", event_id=visit["id"], actor=expert2)
    assert Calendar.from_ical(link).get("method") == "CANCEL"  # the download link says the same
    with pytest.raises(Conflict):
        scheduling.cancel_site_visit(mail_ctx, actor=clerk, visit_id=visit["id"], reason="again")


def test_a_defense_session_update_and_cancellation_are_mailed(mail_ctx, seated, port):
    walk, clerk = seated, seated.actor("city1")
    slot = {"application_no": walk.business_key, "starts_at": at(9), "ends_at": at(10)}
    session = scheduling.schedule_defense(
        mail_ctx, actor=clerk, round_id=walk.round_id, room="第一会议室", starts_at=at(9), ends_at=at(12),
        slots=[slot],
    )
    method, first = only(deliver(mail_ctx, port), "expert3")
    assert method == "REQUEST" and int(first.walk("VEVENT")[0].get("sequence")) == 0

    scheduling.change_defense(mail_ctx, actor=clerk, session_id=session["id"], room="第二会议室")
    method, changed = only(deliver(mail_ctx, port), "expert3")
    event = changed.walk("VEVENT")[0]
    assert method == "REQUEST" and int(event.get("sequence")) == 1
    assert str(event.get("location")) == "第二会议室"

    scheduling.cancel_defense(mail_ctx, actor=clerk, session_id=session["id"], reason="会场调整")
    inbox = deliver(mail_ctx, port)
    for login in ("expert3", "lead1"):
        method, cancelled = only(inbox, login)
        assert (method, cancelled.get("method")) == ("CANCEL", "CANCEL")
        assert int(cancelled.walk("VEVENT")[0].get("sequence")) == 2
