"""Site visits and defense sessions: no expert in two places, no room twice, nobody outside availability.

A defense session has a room, a time and one slot per consortium; its experts are the declared panels
of those consortia. Every schedule, change and cancellation sends iCalendar messages (invitations.py).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import CITY_CLERK, Actor
from ...clock import SHANGHAI
from ...context import Context
from ...deadline_settings import DeadlineSettings
from ...engine.store import audit
from ...engine.store import identities as identity_store
from ...errors import Conflict, InvalidInput, shown
from ..store import consortia, reviews
from ..store.review_models import DefenseSession, DefenseSlot, Expert, SiteVisit
from . import invitations
from .panels import seated_experts
from .rounds import local, require_clerk

DAY_START, DAY_END, STEP = time(9, 0), time(18, 0), timedelta(minutes=30)
SLOT_MINUTES = (15, 540)  # a free slot's length a clerk may ask for (suggest_slots)


# --- checks ------------------------------------------------------------------------------------------


def clashes(
    session: Session,
    *,
    starts_at: datetime,
    ends_at: datetime,
    experts: list[str],
    room: str | None = None,
    skip_session: int | None = None,
    skip_visit: int | None = None,
) -> dict[str, list[str]]:
    """Every reason the booking cannot stand, by field (empty: it can)."""
    problems: dict[str, list[str]] = {}
    sessions = [s for s in reviews.sessions_in(session, starts_at, ends_at) if s.id != skip_session]
    visits = [v for v in reviews.visits_in(session, starts_at, ends_at) if v.id != skip_visit]
    for other in sessions:
        if room and other.room == room:
            problems.setdefault("room", []).append(
                f"会议室 {room} 在 {local(other.starts_at)}–{local(other.ends_at)} "
                f"已被答辩会 #{other.id} 占用 / room {room} is booked by session #{other.id}"
            )
    busy = {s.id: set(session_experts(session, s.id)) for s in sessions}
    for expert in experts:
        places = [f"答辩会 #{s.id}" for s in sessions if expert in busy[s.id]]
        places += [f"现场考察 #{v.id}" for v in visits if expert in json.loads(v.participants_json)]
        if places:
            problems.setdefault("experts", []).append(
                f"{expert} 同一时间已安排 {', '.join(places)} / {expert} is already booked then"
            )
        windows = reviews.availability_of(session, expert)
        if windows and not any(w.starts_at <= starts_at and ends_at <= w.ends_at for w in windows):
            problems.setdefault("experts", []).append(
                f"{expert} 在 {local(starts_at)}–{local(ends_at)} 不可参加 / {expert} is not available then"
            )
    return problems


def _refuse_if(problems: dict[str, list[str]]) -> None:
    if problems:
        raise InvalidInput("日程冲突 / The schedule conflicts", problems)


def session_experts(session: Session, session_id: int) -> list[str]:
    found: list[str] = []
    for slot in reviews.slots_of(session, session_id):
        found += seated_experts(session, slot.instance_id)
    return list(dict.fromkeys(found))


def site_visit_report_date_check(
    session: Session, row: Any, task: Any, data: dict[str, Any], actor: Actor, now: datetime
) -> None:
    """A `before_complete` hook: a site-visit report cannot be dated after today (Beijing time).

    Raises:
        InvalidInput: on `visit_date`, naming today; nothing is saved.
    """
    if getattr(task, "form_key", None) != "site_visit_report" or not data.get("visit_date"):
        return
    visited = data["visit_date"]
    visited = visited if isinstance(visited, date) else date.fromisoformat(str(visited)[:10])
    today = now.astimezone(SHANGHAI).date()
    if visited > today:
        raise InvalidInput(
            "考察日期不能晚于今天 / The visit date cannot be later than today",
            {"visit_date": [f"考察尚未发生：今天是 {today.isoformat()} / "
                            f"The visit has not happened yet: today is {today.isoformat()}"]},
        )


def _past_problems(starts_at: datetime, now: datetime) -> dict[str, list[str]]:
    """A visit is booked ahead: one starting before `now` is refused (issue 17 item 11)."""
    if starts_at.tzinfo is not None and starts_at < now:
        when = now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        return {"startsAt": [f"不能预约过去的时间（现在是 {when}） / "
                             f"A visit cannot be booked in the past (it is now {when}, Beijing time)"]}
    return {}


def _booked_visit_problems(session: Session, instance_id: str, application_no: str) -> dict[str, list[str]]:
    """One scheduled visit per application: a second is refused, naming the one to change or cancel."""
    booked = session.scalars(
        sa.select(SiteVisit).where(SiteVisit.instance_id == instance_id, SiteVisit.status == "scheduled")
    ).first()
    if booked is None:
        return {}
    when = booked.starts_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return {"applicationNo": [
        f"{application_no} 已预约现场考察 #{booked.id}（{when}），请改期或先取消 / "
        f"{application_no} already has site visit #{booked.id} ({when}): move it or cancel it first"
    ]}


def _window_problems(starts_at: datetime, ends_at: datetime) -> dict[str, list[str]]:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        return {"startsAt": ["时间须带时区 / times need a time zone"]}
    if ends_at <= starts_at:
        return {"endsAt": ["结束须晚于开始 / must end after it starts"]}
    return {}


# --- defense sessions --------------------------------------------------------------------------------


def schedule_defense(
    ctx: Context,
    *,
    actor: Actor,
    round_id: int,
    room: str,
    starts_at: datetime,
    ends_at: datetime,
    slots: list[dict[str, Any]],
) -> dict[str, Any]:
    """Book a room for a session with one slot per consortium; invite experts, clerk and lead units."""
    require_clerk(actor)
    _refuse_if(
        _window_problems(starts_at, ends_at) or ({} if room.strip() else {"room": ["必填 / required"]})
    )
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        reviews.get_round(session, round_id)
        record = DefenseSession(
            round_id=round_id,
            room=room.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            status="scheduled",
            sequence=0,
        )
        session.add(record)
        session.flush()
        _set_slots(session, record, slots)
        _refuse_if(
            clashes(
                session,
                starts_at=starts_at,
                ends_at=ends_at,
                room=record.room,
                experts=session_experts(session, record.id),
                skip_session=record.id,
            )
        )
        _notify_defense(ctx.config.deadlines, session, record, actor, now)
        audit.record(
            session, actor=actor, action="defense.scheduled", at=now, detail=describe_defense(session, record)
        )
        uow.commit()
        return describe_defense(session, record)


def change_defense(
    ctx: Context,
    *,
    actor: Actor,
    session_id: int,
    room: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    slots: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Move or re-slot a session: re-checked as if new, then an update with SEQUENCE + 1."""
    require_clerk(actor)
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = _scheduled(session, session_id)
        before = _defense_invitees(session, record)
        record.room = (room or record.room).strip()
        record.starts_at, record.ends_at = starts_at or record.starts_at, ends_at or record.ends_at
        _refuse_if(_window_problems(record.starts_at, record.ends_at))
        if slots is not None:
            for old in reviews.slots_of(session, record.id):
                session.delete(old)
            session.flush()
            _set_slots(session, record, slots)
        _refuse_if(
            clashes(
                session,
                starts_at=record.starts_at,
                ends_at=record.ends_at,
                room=record.room,
                experts=session_experts(session, record.id),
                skip_session=record.id,
            )
        )
        record.sequence += 1
        _notify_defense(ctx.config.deadlines, session, record, actor, now)
        _cancel_for_dropped(ctx.config.deadlines, session, before, _defense_invitees(session, record), now)
        audit.record(
            session, actor=actor, action="defense.changed", at=now, detail=describe_defense(session, record)
        )
        uow.commit()
        return describe_defense(session, record)


def cancel_defense(ctx: Context, *, actor: Actor, session_id: int, reason: str) -> dict[str, Any]:
    require_clerk(actor)
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = _scheduled(session, session_id)
        record.status, record.sequence = "cancelled", record.sequence + 1
        _notify_defense(ctx.config.deadlines, session, record, actor, now)
        audit.record(
            session,
            actor=actor,
            action="defense.cancelled",
            at=now,
            detail={"session": record.id, "reason": reason},
        )
        uow.commit()
        return describe_defense(session, record)


def _scheduled(session: Session, session_id: int) -> DefenseSession:
    record = reviews.get_session(session, session_id)
    if record.status != "scheduled":
        raise Conflict(f"答辩会 #{session_id} 已取消 / Session #{session_id} is cancelled")
    return record


def _set_slots(session: Session, record: DefenseSession, slots: list[dict[str, Any]]) -> None:
    problems: dict[str, list[str]] = {}
    placed: list[DefenseSlot] = []
    for index, item in enumerate(slots):
        key = f"slots.{index}"
        start, end, number = item.get("starts_at"), item.get("ends_at"), item.get("application_no")
        entry = _entry(session, record.round_id, number)
        if entry is None:
            problems[key] = [f"{number} 不在本批次 / not in this round"]
        elif not seated_experts(session, entry.instance_id):
            problems[key] = [f"{number} 的专家组尚未签署声明 / {number} has no declared panel yet"]
        elif not (record.starts_at <= start < end <= record.ends_at):
            problems[key] = ["时段须在答辩会时间内 / the slot must lie within the session"]
        elif any(p.starts_at < end and start < p.ends_at for p in placed):
            problems[key] = ["时段重叠 / slots overlap"]
        else:
            placed.append(
                DefenseSlot(
                    session_id=record.id,
                    instance_id=entry.instance_id,
                    application_no=number,
                    starts_at=start,
                    ends_at=end,
                )
            )
    if not slots:
        problems["slots"] = ["至少安排一个联合体 / at least one consortium"]
    _refuse_if(problems)
    session.add_all(placed)
    session.flush()


def _entry(session: Session, round_id: int, application_no: str | None):
    record = consortia.find_by_application(session, application_no or "")
    entry = reviews.find_entry(session, record.instance_id) if record and record.instance_id else None
    return entry if entry is not None and entry.round_id == round_id else None


def defense_meeting(
    session: Session, record: DefenseSession, slots: list[DefenseSlot] | None = None
) -> invitations.Meeting:
    """The session as an iCalendar event; `slots` narrows the description to what the reader may see."""
    slots = reviews.slots_of(session, record.id) if slots is None else slots
    return invitations.Meeting(
        kind="defense",
        event_id=record.id,
        uid=f"defense-{record.id}@{invitations.DOMAIN}",
        summary=f"创新联合体答辩评审会 / Consortium defense session #{record.id}",
        location=record.room,
        description="\n".join(f"{local(s.starts_at)} {s.application_no}" for s in slots),
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        sequence=record.sequence,
        cancelled=record.status == "cancelled",
    )


def _notify_defense(
    settings: DeadlineSettings, session: Session, record: DefenseSession, actor: Actor, now: datetime
) -> None:
    experts = invitations.attendees(session, session_experts(session, record.id))
    meeting = defense_meeting(session, record)
    invitations.send(
        settings, session, meeting, experts + invitations.attendees(session, [actor.id]), experts, now
    )
    for slot in reviews.slots_of(session, record.id):
        applicants = invitations.attendees(session, _lead_users(session, slot.instance_id))
        invitations.send(settings, session, _slot_meeting(record, slot), applicants, applicants, now)


def _slot_meeting(record: DefenseSession, slot: DefenseSlot) -> invitations.Meeting:
    """The lead unit's own entry: its slot, never the panel."""
    return invitations.Meeting(
        kind="defense",
        event_id=record.id,
        uid=f"defense-{record.id}-{slot.application_no}@{invitations.DOMAIN}",
        summary=f"答辩评审 {slot.application_no} / Defense of {slot.application_no}",
        location=record.room,
        description="请牵头单位按时参加答辩 / The lead unit presents its plan",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        sequence=record.sequence,
        cancelled=record.status == "cancelled",
        instance_id=slot.instance_id,
    )


def _lead_users(session: Session, instance_id: str) -> list[str]:
    record = consortia.find_by_instance(session, instance_id)
    return invitations.lead_unit_users(session, record.lead_credit_code)


Invitees = dict[str, tuple[invitations.Meeting, list[str]]]  # uid → (the meeting as sent, its recipients)


def _defense_invitees(session: Session, record: DefenseSession) -> Invitees:
    found: Invitees = {}
    meeting = defense_meeting(session, record)
    found[meeting.uid] = (meeting, session_experts(session, record.id))
    for slot in reviews.slots_of(session, record.id):
        own = _slot_meeting(record, slot)
        found[own.uid] = (own, _lead_users(session, slot.instance_id))
    return found


def _cancel_for_dropped(
    settings: DeadlineSettings, session: Session, before: Invitees, after: Invitees, now: datetime
) -> None:
    """Whoever a change took out of an event (an expert of a removed slot, its lead unit, a participant
    no longer coming) gets a CANCEL of the entry their calendar holds, at the new SEQUENCE (RFC 5546)."""
    sequence = max((m.sequence for m, _ in after.values()), default=0)
    for uid, (meeting, people) in before.items():
        kept = set(after[uid][1]) if uid in after else set()
        dropped = invitations.attendees(session, [p for p in people if p not in kept])
        if dropped:
            gone = replace(meeting, sequence=sequence, cancelled=True)
            invitations.send(settings, session, gone, dropped, dropped, now)


def describe_defense(session: Session, record: DefenseSession) -> dict[str, Any]:
    return {
        "id": record.id,
        "roundId": record.round_id,
        "room": record.room,
        "startsAt": record.starts_at.astimezone(SHANGHAI).isoformat(),
        "endsAt": record.ends_at.astimezone(SHANGHAI).isoformat(),
        "status": record.status,
        "sequence": record.sequence,
        "experts": session_experts(session, record.id),
        "slots": [
            {
                "applicationNo": s.application_no,
                "startsAt": s.starts_at.astimezone(SHANGHAI).isoformat(),
                "endsAt": s.ends_at.astimezone(SHANGHAI).isoformat(),
            }
            for s in reviews.slots_of(session, record.id)
        ],
    }


# --- site visits ---------------------------------------------------------------------------------------


def schedule_site_visit(
    ctx: Context,
    *,
    actor: Actor,
    application_no: str,
    starts_at: datetime,
    ends_at: datetime,
    address: str | None = None,
    participants: list[str] | None = None,
) -> dict[str, Any]:
    """Visit the lead unit (its registered address unless given) with the panel and the clerk.

    Raises:
        InvalidInput: every field's problem at once (hostile report A finding 9): the window, an unknown
            application, no address, a participant who is no expert of the pool or city bureau user,
            a clash, a visit already booked.
    """
    require_clerk(actor)
    now = ctx.now()
    problems = _merged(_window_problems(starts_at, ends_at), _past_problems(starts_at, now))
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = consortia.find_by_application(session, application_no)
        entry = reviews.find_entry(session, record.instance_id) if record and record.instance_id else None
        if entry is None:
            problems = _merged(problems, {"applicationNo": ["申请不存在 / no such application"]})
        org = consortia.find_organisation(session, record.lead_credit_code) if entry is not None else None
        address = (address or (org.address if org else None) or "").strip()
        if not address and entry is not None:
            problems = _merged(problems, {"address": [
                "牵头单位未登记地址，请填写考察地址 / the lead unit has no registered address: give one"
            ]})
        if participants:
            problems = _merged(problems, participant_problems(session, participants, actor))
        if problems:
            raise InvalidInput("现场考察无法安排 / The site visit cannot be scheduled so", problems)
        people = list(dict.fromkeys(participants or [*seated_experts(session, entry.instance_id), actor.id]))
        experts = [p for p in people if session.get(Expert, p) is not None]
        _refuse_if(_merged(
            clashes(session, starts_at=starts_at, ends_at=ends_at, experts=experts),
            _booked_visit_problems(session, entry.instance_id, application_no),
        ))
        visit = SiteVisit(
            round_id=entry.round_id,
            instance_id=entry.instance_id,
            application_no=application_no,
            starts_at=starts_at,
            ends_at=ends_at,
            address=address,
            participants_json=json.dumps(people),
            status="scheduled",
            sequence=0,
        )
        session.add(visit)
        session.flush()
        _notify_visit(ctx.config.deadlines, session, visit, now)
        audit.record(
            session,
            actor=actor,
            action="site_visit.scheduled",
            at=now,
            instance_id=entry.instance_id,
            detail=describe_visit(visit),
        )
        uow.commit()
        return describe_visit(visit)


def change_site_visit(
    ctx: Context,
    *,
    actor: Actor,
    visit_id: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    address: str | None = None,
    participants: list[str] | None = None,
) -> dict[str, Any]:
    """Move a visit, change its address or who comes: re-checked as if new, then an update with SEQUENCE + 1;
    a participant no longer coming gets a CANCEL. Every field's problem is named at once."""
    require_clerk(actor)
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        visit = _scheduled_visit(session, visit_id)
        before = _visit_invitees(session, visit)
        visit.starts_at, visit.ends_at = starts_at or visit.starts_at, ends_at or visit.ends_at
        problems = _merged(
            _window_problems(visit.starts_at, visit.ends_at),
            _past_problems(visit.starts_at, now) if starts_at else {},
        )
        if address is not None and not address.strip():
            problems = _merged(problems, {"address": ["必填 / required"]})
        if participants is not None:
            if not participants or not all(isinstance(p, str) and p for p in participants):
                problems = _merged(problems, {"participants": [
                    "须为非空的用户名列表 / a non-empty list of user ids"
                ]})
            else:
                problems = _merged(problems, participant_problems(session, participants, actor))
        if problems:
            raise InvalidInput("现场考察无法调整 / The site visit cannot be changed so", problems)
        if address is not None:
            visit.address = address.strip()
        if participants is not None:
            visit.participants_json = json.dumps(list(dict.fromkeys(participants)))
        _refuse_if(
            clashes(
                session,
                starts_at=visit.starts_at,
                ends_at=visit.ends_at,
                experts=_visit_experts(session, visit),
                skip_visit=visit.id,
            )
        )
        visit.sequence += 1
        _notify_visit(ctx.config.deadlines, session, visit, now)
        _cancel_for_dropped(ctx.config.deadlines, session, before, _visit_invitees(session, visit), now)
        audit.record(
            session, actor=actor, action="site_visit.changed", at=now, instance_id=visit.instance_id,
            detail=describe_visit(visit),
        )
        uow.commit()
        return describe_visit(visit)


def site_visit_problems(
    ctx: Context, *, actor: Actor, application_no: str | None = None, participants: list[str] | None = None
) -> dict[str, list[str]]:
    """What schedule_site_visit / change_site_visit would refuse about these two fields alone (an unknown
    application, participants who may not take part), read without a change: the API adds them to the
    errors of a body that did not load, so every field's error comes at once."""
    require_clerk(actor)
    problems: dict[str, list[str]] = {}
    with ctx.unit_of_work(write=False) as uow:
        if application_no is not None:
            record = consortia.find_by_application(uow.session, application_no)
            if record is None or not record.instance_id or reviews.find_entry(
                uow.session, record.instance_id
            ) is None:
                problems["applicationNo"] = ["申请不存在 / no such application"]
        if participants:
            problems.update(participant_problems(uow.session, participants, actor))
    return problems


def may_take_part(session: Session, user_id: str, actor: Actor) -> bool:
    """Who may be a site visit's participant: the clerk scheduling it, an active expert of the pool or an
    active city bureau user (the default participants are the seated experts and the clerk). An applicant,
    a district clerk, an agency or a name that is no user would get an invitation otherwise."""
    if user_id == actor.id:
        return True
    user = identity_store.find_user(session, user_id)
    if user is None or not user.active:
        return False
    expert = session.get(Expert, user_id)
    if expert is not None:
        return expert.active
    return identity_store.actor_of(user).has(CITY_CLERK)


def participant_problems(session: Session, participants: list[str], actor: Actor) -> dict[str, list[str]]:
    """`participants` naming every id that may not take part (may_take_part), cut to 64 characters each."""
    refused = [p for p in dict.fromkeys(participants) if not may_take_part(session, p, actor)]
    if not refused:
        return {}
    named = "、".join(shown(p) for p in refused[:10]) + ("…" if len(refused) > 10 else "")
    return {"participants": [
        f"不是可参加考察的专家或市科技局用户：{named} / not an expert or city bureau user who may take part: "
        f"{named.replace('、', ', ')}"
    ]}


def _merged(*problems: dict[str, list[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for each in problems:
        for name, reasons in each.items():
            found.setdefault(name, []).extend(r for r in reasons if r not in found.get(name, []))
    return found


def cancel_site_visit(ctx: Context, *, actor: Actor, visit_id: int, reason: str) -> dict[str, Any]:
    """Call a visit off: everyone invited gets a CANCEL at SEQUENCE + 1."""
    require_clerk(actor)
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        visit = _scheduled_visit(session, visit_id)
        visit.status, visit.sequence = "cancelled", visit.sequence + 1
        _notify_visit(ctx.config.deadlines, session, visit, now)
        audit.record(
            session, actor=actor, action="site_visit.cancelled", at=now, instance_id=visit.instance_id,
            detail={"visit": visit.id, "reason": reason},
        )
        uow.commit()
        return describe_visit(visit)


def _scheduled_visit(session: Session, visit_id: int) -> SiteVisit:
    visit = reviews.get_visit(session, visit_id)
    if visit.status != "scheduled":
        raise Conflict(f"现场考察 #{visit_id} 已取消 / Site visit #{visit_id} is cancelled")
    return visit


def _visit_experts(session: Session, visit: SiteVisit) -> list[str]:
    return [p for p in json.loads(visit.participants_json) if session.get(Expert, p) is not None]


def visit_meeting(visit: SiteVisit) -> invitations.Meeting:
    return invitations.Meeting(
        kind="site_visit",
        event_id=visit.id,
        uid=f"site-visit-{visit.id}@{invitations.DOMAIN}",
        summary=f"现场考察 {visit.application_no} / Site visit",
        location=visit.address,
        description="市科技局组织专家现场考察 / Site visit by the bureau and its experts",
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        sequence=visit.sequence,
        cancelled=visit.status == "cancelled",
        instance_id=visit.instance_id,
    )


def _visit_invitees(session: Session, visit: SiteVisit) -> Invitees:
    meeting = visit_meeting(visit)
    return {meeting.uid: (meeting, json.loads(visit.participants_json))}


def _notify_visit(settings: DeadlineSettings, session: Session, visit: SiteVisit, now: datetime) -> None:
    people = invitations.attendees(session, json.loads(visit.participants_json))
    applicants = invitations.attendees(session, _lead_users(session, visit.instance_id))
    meeting = visit_meeting(visit)
    invitations.send(settings, session, meeting, people, people, now)
    invitations.send(settings, session, meeting, applicants, applicants, now)


def describe_visit(visit: SiteVisit) -> dict[str, Any]:
    return {
        "id": visit.id,
        "applicationNo": visit.application_no,
        "startsAt": visit.starts_at.astimezone(SHANGHAI).isoformat(),
        "endsAt": visit.ends_at.astimezone(SHANGHAI).isoformat(),
        "address": visit.address,
        "participants": json.loads(visit.participants_json),
        "status": visit.status,
        "sequence": visit.sequence,
    }


# --- free slots ------------------------------------------------------------------------------------------


def suggest_slots(
    ctx: Context, *, actor: Actor, day: date, minutes: int, experts: list[str], room: str | None = None
) -> list[dict[str, str]]:
    """Free starts on `day` (09:00–18:00 Asia/Shanghai, every 30 minutes) for these experts and room."""
    require_clerk(actor)
    low, high = SLOT_MINUTES
    if not low <= minutes <= high:
        raise InvalidInput(
            f"时长须在 {low}–{high} 分钟 / Duration must be {low}–{high} minutes",
            {"minutes": [f"须为 {low}…{high} 的整数（分钟） / minutes {low}…{high} expected"]},
        )
    found = []
    with ctx.unit_of_work(write=False) as uow:
        start = datetime.combine(day, DAY_START, tzinfo=SHANGHAI)
        last = datetime.combine(day, DAY_END, tzinfo=SHANGHAI) - timedelta(minutes=minutes)
        while start <= last:
            end = start + timedelta(minutes=minutes)
            if not clashes(uow.session, starts_at=start, ends_at=end, experts=experts, room=room):
                found.append({"startsAt": start.isoformat(), "endsAt": end.isoformat()})
            start += STEP
    return found
