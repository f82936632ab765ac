"""Rounds (申报批次 / review sessions): what applications share for their review, and its rules.

A submission is the completion of the user task declaring the `${roundWindowCheck}` complete listener
(review_hooks.round_window_check), so `check_submission` runs there. Intake is rolling by default
(guideline 七（一） "成熟一个、支持一个", issue 14 item 1): an application joins the round it chose (start
variable `round_id` or `enter_round`, then only inside that round's window), else the one round open at
that minute, else a round of its own created on the spot ("单独评审"), so no application waits for a
window or for another. `CONSORTIUM_INTAKE=rounds` restores batch intake: a submission outside an open
round window is refused with the window in the message.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from forms.defense_score import RUBRIC

from ...actors import CITY_CLERK, Actor
from ...clock import SHANGHAI
from ...context import Context
from ...deadline_settings import PublicityRule
from ...engine.store import audit, instances
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ..store import consortia, reviews
from ..store.review_models import ReviewRound, RoundEntry

DEFAULT_RUBRIC = [{"key": k, "zh": zh, "en": en, "max": m} for k, (m, zh, en) in RUBRIC.items()]
DEFAULT_PASSING_SCORE = 60.0
ROLLING, BATCH = "rolling", "rounds"  # CONSORTIUM_INTAKE


def intake_mode() -> str:
    """`CONSORTIUM_INTAKE`: "rolling" (default, 成熟一个、支持一个) or "rounds" (only inside a window)."""
    return BATCH if (os.environ.get("CONSORTIUM_INTAKE") or ROLLING).strip().lower() == BATCH else ROLLING


def require_clerk(actor: Actor) -> None:
    if not actor.has(CITY_CLERK, "admin"):
        raise Forbidden("只有市科技局可以办理 / Only the city bureau may do this")


def local(at: datetime) -> str:
    """A time as the bureau writes it: 2026-03-01 09:00 (Asia/Shanghai)."""
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def window_text(rnd: ReviewRound) -> str:
    return f"{local(rnd.opens_at)} 至 {local(rnd.closes_at)}"


def open_round(
    ctx: Context,
    *,
    actor: Actor,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    rubric: list[dict[str, Any]] | None = None,
    passing_score: float = DEFAULT_PASSING_SCORE,
    publicity: PublicityRule | None = None,
    panel_size: int = 5,
    panel_reserves: int = 2,
) -> dict[str, Any]:
    """Open a round; its rubric's maxima must sum to 100 (DOMAIN-NOTES §4.2 default 25/25/20/15/15).

    The publicity rule defaults to the deployment's (`CONSORTIUM_PUBLICITY_*`).
    """
    require_clerk(actor)
    rubric = rubric or DEFAULT_RUBRIC
    publicity = publicity or ctx.config.deadlines.publicity
    problems = _round_problems(name, opens_at, closes_at, rubric, passing_score, panel_size, panel_reserves)
    if problems:
        raise InvalidInput("申报批次设置有误 / The round settings are invalid", problems)
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        rnd = ReviewRound(
            name=name.strip(),
            opens_at=opens_at,
            closes_at=closes_at,
            publicity_length=publicity.length,
            publicity_unit=publicity.unit,
            publicity_min_calendar_days=publicity.min_calendar_days,
            rubric_json=json.dumps(rubric, ensure_ascii=False),
            passing_score=passing_score,
            panel_size=panel_size,
            panel_reserves=panel_reserves,
            status="open",
            created_by=actor.id,
            created_at=now,
        )
        uow.session.add(rnd)
        uow.session.flush()
        audit.record(uow.session, actor=actor, action="round.opened", at=now, detail=describe_round(rnd))
        uow.commit()
        return describe_round(rnd)


def _round_problems(name, opens_at, closes_at, rubric, passing_score, size, reserves) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not (name or "").strip():
        problems["name"] = ["请填写批次名称 / A name is required"]
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        problems["opensAt"] = ["时间须带时区 / Times need a time zone (e.g. +08:00)"]
    elif closes_at <= opens_at:
        problems["closesAt"] = ["截止时间须晚于开始时间 / The window must close after it opens"]
    keys = [str(d.get("key") or "") for d in rubric]
    if not all(keys) or len(set(keys)) != len(keys):
        problems["rubric"] = ["评分维度须有不重复的 key / Each dimension needs a distinct key"]
    elif sum(float(d.get("max") or 0) for d in rubric) != 100:
        problems["rubric"] = ["各维度满分之和须为 100 / The maxima must sum to 100"]
    if not 0 <= passing_score <= 100:
        problems["passingScore"] = ["及格分须在 0–100 之间 / The passing score is 0–100"]
    if size < 1 or reserves < 0:
        problems["panelSize"] = ["专家组至少 1 人，候补不少于 0 / Panel size ≥ 1, reserves ≥ 0"]
    return problems


def publicity_rule(rnd: ReviewRound) -> PublicityRule:
    return PublicityRule(
        length=rnd.publicity_length,
        unit=rnd.publicity_unit,
        min_calendar_days=rnd.publicity_min_calendar_days,
    )


def rubric_of(rnd: ReviewRound) -> list[dict[str, Any]]:
    return json.loads(rnd.rubric_json)


def describe_round(rnd: ReviewRound) -> dict[str, Any]:
    return {
        "id": rnd.id,
        "name": rnd.name,
        "opensAt": rnd.opens_at.astimezone(SHANGHAI).isoformat(),
        "closesAt": rnd.closes_at.astimezone(SHANGHAI).isoformat(),
        "window": window_text(rnd),
        "publicityRule": {
            "length": rnd.publicity_length,
            "unit": rnd.publicity_unit,
            "minCalendarDays": rnd.publicity_min_calendar_days,
            "text": publicity_rule(rnd).describe(),
        },
        "rubric": rubric_of(rnd),
        "passingScore": rnd.passing_score,
        "panelSize": rnd.panel_size,
        "panelReserves": rnd.panel_reserves,
        "status": rnd.status,
        "resultsPublishedAt": rnd.results_published_at.isoformat() if rnd.results_published_at else None,
    }


def list_rounds(ctx: Context, *, actor: Actor) -> list[dict[str, Any]]:
    """Every signed-in user may see the rounds: they are public calls for applications."""
    with ctx.unit_of_work(write=False) as uow:
        return [describe_round(r) for r in reviews.list_rounds(uow.session)]


def get_round(ctx: Context, *, round_id: int, actor: Actor) -> dict[str, Any]:
    with ctx.unit_of_work(write=False) as uow:
        return describe_round(reviews.get_round(uow.session, round_id))


def enter_round(ctx: Context, *, round_id: int, application_no: str, actor: Actor) -> dict[str, Any]:
    """The lead unit (or a clerk) chooses the round of an application that is not submitted yet."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        rnd = reviews.get_round(session, round_id)
        record = consortia.find_by_application(session, application_no)
        missing = NotFound(f"申请不存在 / Application {application_no} does not exist")
        if record is None or record.instance_id is None:
            raise missing
        try:  # an application the caller may not see is one that does not exist (report-a finding 11)
            row = instances.get_visible(session, record.instance_id, actor)
        except NotFound:
            raise missing from None
        if not (actor.has(CITY_CLERK, "admin") or actor.org_credit_code == row.lead_credit_code):
            raise Forbidden("只有牵头单位可以选择申报批次 / Only the lead unit chooses the round")
        entry = reviews.find_entry(session, row.id)
        if entry is not None and entry.submitted_at is not None:
            raise Conflict(f"申请已提交至批次 {entry.round_id} / Already submitted to round {entry.round_id}")
        if entry is None:
            entry = RoundEntry(instance_id=row.id, round_id=rnd.id, application_no=application_no)
            session.add(entry)
        entry.round_id = rnd.id
        audit.record(
            session, actor=actor, action="round.entered", at=now, instance_id=row.id, detail={"round": rnd.id}
        )
        uow.commit()
        return {"applicationNo": application_no, "roundId": rnd.id, "window": window_text(rnd)}


def check_submission(session: Session, row: ProcessInstance, now: datetime) -> RoundEntry:
    """Record the submission in the application's round (a round of its own under rolling intake).

    Raises:
        InvalidInput: the round the application chose is not open at `now`; under batch intake
            (`CONSORTIUM_INTAKE=rounds`) also when no round, or several, are open.
    """
    entry = reviews.find_entry(session, row.id)
    if entry is None:
        entry = _join_round(session, row, now)
        if entry.submitted_at is not None:  # a round of its own (rolling intake): no window to check
            return entry
    rnd = reviews.get_round(session, entry.round_id)
    if not (rnd.opens_at <= now < rnd.closes_at) or rnd.status != "open":
        raise InvalidInput(
            f"不在申报时间内：{rnd.name} 的申报时间为 {window_text(rnd)} / "
            f"Outside the submission window of {rnd.name}: {window_text(rnd)} (Asia/Shanghai)",
            {"round": [f"申报时间 / window: {window_text(rnd)}"]},
        )
    entry.submitted_at = now
    return entry


def _join_round(session: Session, row: ProcessInstance, now: datetime) -> RoundEntry:
    chosen = json.loads(row.variables_json or "{}").get("round_id")
    if chosen is not None:
        round_id = int(chosen)
        reviews.get_round(session, round_id)
    else:
        open_now = reviews.rounds_open_at(session, now)
        if len(open_now) != 1 and intake_mode() == ROLLING:
            entry = RoundEntry(
                instance_id=row.id, round_id=_round_of_one(session, row, now).id,
                application_no=row.business_key or row.id, submitted_at=now,
            )
            session.add(entry)
            return entry
        if len(open_now) != 1:
            upcoming = "；".join(f"{r.name}: {window_text(r)}" for r in reviews.list_rounds(session)[:3])
            reason = "当前没有开放的申报批次" if not open_now else "有多个开放批次，请先选择申报批次"
            english = "no round is open now" if not open_now else "several rounds are open: choose one"
            raise InvalidInput(
                f"{reason} / Cannot submit: {english}. {upcoming}", {"round": [reason, english]}
            )
        round_id = open_now[0].id
    entry = RoundEntry(instance_id=row.id, round_id=round_id, application_no=row.business_key or row.id)
    session.add(entry)
    return entry


def _round_of_one(session: Session, row: ProcessInstance, now: datetime) -> ReviewRound:
    """Rolling intake: the application is reviewed on its own, in a round created for it (default rubric,
    passing score, panel size and the deployment's publicity rule); its window closes at the submission,
    so nobody else joins it by accident. The bureau may still put several applications in one defense
    session or panel schedule; selection is per application (selection.decide_application)."""
    publicity = PublicityRule.from_env()
    number = row.business_key or row.id
    rnd = ReviewRound(
        name=f"单独评审 {number} / Own review {number}",
        opens_at=now - timedelta(seconds=1),
        closes_at=now,  # closed at once: `rounds_open_at` never offers it to another application
        publicity_length=publicity.length,
        publicity_unit=publicity.unit,
        publicity_min_calendar_days=publicity.min_calendar_days,
        rubric_json=json.dumps(DEFAULT_RUBRIC, ensure_ascii=False),
        passing_score=DEFAULT_PASSING_SCORE,
        panel_size=5,
        panel_reserves=2,
        status="open",
        created_by="system",
        created_at=now,
    )
    session.add(rnd)
    session.flush()
    return rnd
