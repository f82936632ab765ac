"""Defense sessions and site visits: clashes refused, free slots suggested, iCalendar messages that update."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from icalendar import Calendar

from service.clock import SHANGHAI
from service.consortium.reviews import experts, invitations, panels, scheduling
from service.errors import InvalidInput

from .support import declare_all, open_round, walk_to_panel

DAY = date(2026, 3, 20)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def seated(ctx):
    walk = walk_to_panel(ctx, open_round(ctx, _walk(ctx), panel_reserves=0))
    drawn = panels.draw_panel(
        ctx, round_id=walk.round_id, application_no=walk.business_key, actor=walk.actor("city1")
    )
    declare_all(ctx, walk, drawn["panelId"], drawn["drawn"])
    return walk


def book(ctx, walk, room: str, start: datetime, end: datetime) -> dict:
    slot = {"application_no": walk.business_key, "starts_at": start, "ends_at": end}
    return scheduling.schedule_defense(
        ctx,
        actor=walk.actor("city1"),
        round_id=walk.round_id,
        room=room,
        starts_at=start,
        ends_at=end,
        slots=[slot],
    )


def test_a_double_booked_expert_and_room_are_refused_and_free_slots_suggested(ctx, seated):
    walk = seated
    book(ctx, walk, "第一会议室", at(9), at(12))

    with pytest.raises(InvalidInput) as clash:
        book(ctx, walk, "第一会议室", at(10), at(11))
    assert set(clash.value.fields) == {"room", "experts"}
    assert "第一会议室" in clash.value.fields["room"][0]
    with pytest.raises(InvalidInput) as busy:
        scheduling.schedule_site_visit(
            ctx,
            actor=walk.actor("city1"),
            application_no=walk.business_key,
            starts_at=at(11),
            ends_at=at(13),
            address="青岛市崂山区科苑纬一路1号",
        )
    assert list(busy.value.fields) == ["experts"] and "答辩会" in busy.value.fields["experts"][0]

    experts.add_availability(
        ctx, actor=walk.actor("expert1"), expert_id="expert1", starts_at=at(8), ends_at=at(15)
    )
    with pytest.raises(InvalidInput) as away:
        book(ctx, walk, "第二会议室", at(15), at(16))
    assert any("expert1" in m and "not available" in m for m in away.value.fields["experts"])

    free = scheduling.suggest_slots(
        ctx, actor=walk.actor("city1"), day=DAY, minutes=60, experts=["expert1", "expert2"], room="第一会议室"
    )
    assert [s["startsAt"] for s in free] == [
        at(12).isoformat(),
        at(12, 30).isoformat(),
        at(13).isoformat(),
        at(13, 30).isoformat(),
        at(14).isoformat(),
    ]


def test_invitations_update_with_a_higher_sequence_and_cancel(ctx, seated):
    walk = seated
    session = book(ctx, walk, "第一会议室", at(9), at(12))

    first = _parse(ctx, walk, "expert1", session["id"])
    event = first.walk("VEVENT")[0]
    assert first.get("method") == "REQUEST" and int(event.get("sequence")) == 0
    assert event.get("dtstart").params["TZID"] == "Asia/Shanghai"
    assert event.decoded("dtstart") == at(9)
    assert [tz.get("tzid") for tz in first.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    attendees = sorted(str(a) for a in event.get("attendee"))
    assert attendees == sorted(
        f"mailto:expert{i}@users.consortium-office.qingdao.invalid" for i in range(1, 6)
    )

    lead = _parse(ctx, walk, "lead1", session["id"]).walk("VEVENT")[0]
    assert str(lead.get("attendee")).startswith("mailto:lead1@")  # the lead unit never sees the panel

    moved = at(14)
    slot = {"application_no": walk.business_key, "starts_at": moved, "ends_at": at(15)}
    scheduling.change_defense(
        ctx,
        actor=walk.actor("city1"),
        session_id=session["id"],
        starts_at=moved,
        ends_at=at(16),
        slots=[slot],
    )
    changed = _parse(ctx, walk, "expert1", session["id"]).walk("VEVENT")[0]
    assert int(changed.get("sequence")) == 1 and changed.decoded("dtstart") == moved
    assert changed.get("uid") == event.get("uid")

    scheduling.cancel_defense(ctx, actor=walk.actor("city1"), session_id=session["id"], reason="会场调整")
    cancelled = _parse(ctx, walk, "expert1", session["id"])
    assert cancelled.get("method") == "CANCEL"
    assert int(cancelled.walk("VEVENT")[0].get("sequence")) == 2
    assert cancelled.walk("VEVENT")[0].get("status") == "CANCELLED"
    queued = invitations.sent_to(ctx, recipient="expert1")
    assert [(m.method, m.sequence) for m in queued] == [("REQUEST", 0), ("REQUEST", 1), ("CANCEL", 2)]


def _parse(ctx, walk, login: str, session_id: int) -> Calendar:
    text = invitations.latest_for(ctx, kind="defense", event_id=session_id, actor=walk.actor(login))
    return Calendar.from_ical(text)


def _walk(ctx):
    from tests.support.procedure import Walk

    return Walk(ctx)


def test_the_calendar_names_the_experts_to_the_bureau_and_labels_them_for_the_district(ctx, seated):
    """Users' report finding 1: the district clerk's calendar listed each expert of a site visit and a
    defense session by name and login (breakit F15: applicants and districts read 专家一、专家二…)."""
    from service.consortium.reviews import defense_calendar

    walk = seated
    book(ctx, walk, "第一会议室", at(9), at(12))
    scheduling.schedule_site_visit(ctx, actor=walk.actor("city1"), application_no=walk.business_key,
                                   starts_at=at(14), ends_at=at(16), address="青岛市崂山区科苑纬一路1号")

    def people(login: str) -> list[list[str]]:
        week = defense_calendar.read_week(ctx, actor=walk.actor(login), day=DAY)
        return [item.panel for _, events in week.days for event in events for item in event.items]

    district = people("district1")
    assert len(district) == 2 and all(district), district
    assert not any("expert" in who for panel in district for who in panel), district
    assert all(who.startswith("专家") or who.startswith("市科技局") or "city1" in who
               for panel in district for who in panel), district
    city = people("city1")
    assert any("(expert1)" in who for panel in city for who in panel), city
