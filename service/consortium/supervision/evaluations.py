"""Performance evaluation (绩效评价, guideline 七（二）): rounds, grading, hearing, revocation.

"评价结果不合格的，取消备案资格": by default an unqualified (不合格) result, once its publicity ends,
notifies the lead unit that the filing is to be revoked and gives it `hearing_working_days` working days
(default 5, `CONSORTIUM_HEARING_WORKING_DAYS`) to state its case (陈述申辩, `state_case`); the city then
decides (`evaluation_revocation_decision`): 取消备案, or the filing is maintained when the case stands.
A rectification period before re-evaluation is a round setting, off by default
(`rectification_enabled`, `CONSORTIUM_EVALUATION_RECTIFICATION=1`).

The city clerk opens a round; each consortium in force gets a `performance_evaluation` instance. The
grade bands, the rectification period and the result publicity length are the round's own settings
(the bureau's evaluation notice sets them; DOMAIN-NOTES §10 lists them as points to confirm).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.engine import ServiceCall
from workflows.helpers import trimmed_mean

from ...actors import CITY_CLERK, EXPERT, Actor
from ...clock import local_today
from ...context import Context
from ...deadline_settings import DeadlineSettings
from ...engine.calendar import WorkingCalendar, add_years
from ...engine.instances import start_instance
from ...engine.notifications import notify_users
from ...engine.store import audit, counters, identities
from ...engine.store.models import ProcessInstance, User
from ...errors import Forbidden, InvalidInput, NotFound
from ..procedure import end_of_day
from ..reviews import recusal
from ..store import reviews
from ..store import supervision as store
from ..store.supervision_models import EvaluationResult, EvaluationRound
from . import agencies, date_bounds
from .standing import Handler, audit_step, consortium_of, open_procedures

PROCESS = "performance_evaluation"
#: (lowest score, grade) from the top; the last band must start at 0.
DEFAULT_BANDS: tuple[tuple[float, str], ...] = ((90, "excellent"), (75, "good"), (60, "pass"), (0, "fail"))
GRADE_NAMES = {
    "excellent": ("优秀", "Excellent"),
    "good": ("良好", "Good"),
    "pass": ("合格", "Pass"),
    "fail": ("不合格", "Fail"),
}
SCORE_PARTS = ("operation", "rd_input", "outputs", "commercialisation", "talent")


@dataclass(frozen=True)
class RoundSettings:
    """What the bureau's evaluation notice fixes for one round."""

    title: str
    data_from: date
    data_until: date
    grade_bands: Sequence[tuple[float, str]] = DEFAULT_BANDS
    rectification_months: int = 12
    publicity_days: int = 7
    #: 不合格 → rectification and re-evaluation first (the bureau's choice; the guideline revokes).
    rectification_enabled: bool = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_EVALUATION_RECTIFICATION", "0") == "1"
    )
    #: Working days the lead unit has to state its case (陈述申辩) before revocation is decided.
    hearing_working_days: int = field(
        default_factory=lambda: int(os.environ.get("CONSORTIUM_HEARING_WORKING_DAYS") or 5)
    )


def grade_for(score: float, bands: Sequence[Sequence[Any]]) -> str:
    """The grade of the highest band whose lower bound `score` reaches."""
    for lowest, grade in sorted(bands, key=lambda b: -float(b[0])):
        if score >= float(lowest):
            return str(grade)
    return "fail"


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later; a missing day falls back to the month's last (Civil Code 202)."""
    if months % 12 == 0:
        return add_years(day, months // 12)
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def open_evaluation_round(ctx: Context, *, actor: Actor, settings: RoundSettings) -> dict[str, Any]:
    """Open a round and start one evaluation for every consortium in force; returns the round and instances.

    Raises:
        Forbidden: only the city bureau opens rounds.
        InvalidInput: bands without a 0 floor, a data period ending before it starts or not yet ended
            (after today) or starting before 2000, non-positive periods.
    A consortium whose evaluation of an earlier round is still open is skipped (listed in `skipped`).
    """
    if not actor.has(CITY_CLERK):
        raise Forbidden("只有市科技局可以开启绩效评价 / Only the city bureau opens evaluation rounds")
    now = ctx.now()
    _check_settings(settings, local_today(now))
    with ctx.unit_of_work() as uow:
        session = uow.session
        year = local_today(now).year
        round_no = counters.next_number(
            session, "evaluation_round", str(year), EvaluationRound.round_no, f"JXPJ-{year}-", width=2
        )
        evaluation_round = EvaluationRound(
            round_no=round_no,
            title=settings.title.strip(),
            data_from=settings.data_from,
            data_until=settings.data_until,
            grade_bands_json=json.dumps([list(b) for b in settings.grade_bands]),
            rectification_months=settings.rectification_months,
            publicity_days=settings.publicity_days,
            opened_by=actor.id,
            opened_at=now,
        )
        session.add(evaluation_round)
        session.flush()
        # a consortium whose evaluation of an earlier round is still open is not evaluated twice (F13)
        filed = store.filed_consortia(session)
        busy = {c.application_no for c in filed if open_procedures(session, c, (PROCESS,))}
        covered = [(c.id, c.application_no) for c in filed if c.application_no not in busy]
        audit.record(
            session,
            actor=actor,
            action="evaluation.round_opened",
            at=now,
            detail={
                "round": round_no,
                "consortia": [no for _, no in covered],
                "skipped_still_under_evaluation": sorted(busy),
                "rectification_enabled": settings.rectification_enabled,
                "hearing_working_days": settings.hearing_working_days,
            },
        )
        uow.commit()
        round_id = evaluation_round.id
    # One instance per consortium, each in its own transaction, as starting any instance is.
    started = [
        start_instance(
            ctx,
            key=PROCESS,
            actor=actor,
            business_key=f"{round_no}-{application_no}",
            variables={
                "consortium_id": consortium_id,
                "round_id": round_id,
                "attempt": 1,
                "max_attempts": 2,
                "rectification_enabled": settings.rectification_enabled,
                "hearing_working_days": settings.hearing_working_days,
            },
        ).id
        for consortium_id, application_no in covered
    ]
    return {"roundId": round_id, "roundNo": round_no, "instances": started, "skipped": sorted(busy)}


def _check_settings(settings: RoundSettings, today: date) -> None:
    problems: dict[str, list[str]] = {}
    if not settings.title.strip():
        problems["title"] = ["此项为必填项 / Required"]
    if settings.data_until < settings.data_from:
        problems["data_until"] = ["数据期截止日早于起始日 / The data period ends before it starts"]
    # a period is evaluated once it has ended (breakit F13): its data cannot be reported before
    date_bounds.check_past(settings.data_from, "data_from", problems, today)
    date_bounds.check_past(settings.data_until, "data_until", problems, today)
    if not settings.grade_bands or min(float(b[0]) for b in settings.grade_bands) != 0:
        problems["grade_bands"] = ["等级区间须覆盖 0 分起 / The lowest band must start at 0"]
    elif any(grade not in GRADE_NAMES for _, grade in settings.grade_bands):
        problems["grade_bands"] = [
            f"等级须为 {', '.join(GRADE_NAMES)} / Grades must be {', '.join(GRADE_NAMES)}"
        ]
    if settings.hearing_working_days < 1 or settings.hearing_working_days > 60:
        problems["hearing_working_days"] = [
            "陈述申辩期限为1–60个工作日 / The hearing period is 1–60 working days"
        ]
    if settings.rectification_months <= 0 or settings.publicity_days <= 0:
        problems["periods"] = ["整改期和公示天数须为正数 / Periods must be positive"]
    if problems:
        raise InvalidInput("评价轮次设置有误 / The round settings are invalid", problems)


def topics(session: Session, row: ProcessInstance, actor: Actor, now: datetime) -> dict[str, Handler]:
    """The service-task topics of `performance_evaluation`."""

    def round_of(call: ServiceCall) -> EvaluationRound:
        return store.get_round(session, int(call.variables["round_id"]))

    def check_evaluation_panel(call: ServiceCall) -> dict[str, Any]:
        """Experts must be expert accounts, and step aside when tied to any member (recusal rules); an
        entrusted agency must be registered, active and independent (agencies.py), and is recorded."""
        if call.variables.get("evaluator_mode") == "agency":
            return agencies.record_assignment(session, row, call, actor, now)
        record = consortium_of(session, call)
        codes = [m["credit_code"] for m in call.variables.get("current_members") or []]
        parties = recusal.parties_of(record.application_no, record.lead_credit_code, codes, None)
        problems = []
        for expert_id in call.variables.get("panel") or []:
            problems += [f"{expert_id}: {reason}" for reason in _conflicts(session, expert_id, parties, now)]
        sheets = [] if problems else [{"expert": e} for e in call.variables["panel"]]
        return {"panel_problems": problems, "evaluation_sheets": sheets, "evaluator_mode": "panel"}

    def grade_evaluation(call: ServiceCall) -> dict[str, Any]:
        evaluation_round = round_of(call)
        if call.variables.get("evaluator_mode") == "agency":  # the agency's own score and grade
            score, grade = agencies.mark_recorded(session, row, call.variables, actor, now)
        else:
            sheets = call.variables["evaluation_sheets"]
            totals = [sum(float(sheet[p]) for p in SCORE_PARTS) for sheet in sheets]
            score = round(trimmed_mean(totals), 2)
            grade = grade_for(score, json.loads(evaluation_round.grade_bands_json))
        published = local_today(now)
        until = published + timedelta(days=evaluation_round.publicity_days)
        result = EvaluationResult(
            round_id=evaluation_round.id,
            consortium_id=int(call.variables["consortium_id"]),
            instance_id=row.id,
            attempt=int(call.variables.get("attempt") or 1),
            score=score,
            grade=grade,
            published_on=published,
            publicity_until=until,
            recorded_at=now,
        )
        session.add(result)
        audit_step(session, actor, now, row, call, "evaluation.graded", {
            "score": score, "grade": grade, "by": call.variables.get("evaluation_agency")
            if call.variables.get("evaluator_mode") == "agency" else "panel"})
        return {
            "evaluation_score": score,
            "evaluation_grade": grade,
            "result_publicity_end": until.isoformat(),
            "result_publicity_end_at": end_of_day(until).isoformat(),
        }

    def conclude_evaluation(call: ServiceCall) -> None:
        record = consortium_of(session, call)
        result = store.latest_result(session, row.id)
        maintained = call.variables.get("revocation_decision") == "maintain"
        if result is not None:
            result.outcome = "maintained" if maintained else "passed"
        if record.status == "under_rectification":
            record.status, record.updated_at = "filed", now
        detail = {"consortium": record.application_no}
        if maintained:  # report A finding 8: the structured basis of maintaining (陈述申辩 or review)
            detail["basis"] = call.variables.get("maintain_basis")
        audit_step(session, actor, now, row, call, "evaluation.passed", detail)

    def open_rectification(call: ServiceCall) -> dict[str, Any]:
        record = consortium_of(session, call)
        until = add_months(local_today(now), round_of(call).rectification_months)
        result = store.latest_result(session, row.id)
        if result is not None:
            result.outcome, result.rectification_until = "rectification", until
        record.status, record.updated_at = "under_rectification", now
        audit_step(
            session, actor, now, row, call, "evaluation.rectification_opened", {"until": until.isoformat()}
        )
        return {
            "rectification_until": until.isoformat(),
            "rectification_end_at": end_of_day(until).isoformat(),
        }

    def open_hearing(call: ServiceCall) -> dict[str, Any]:
        """Notify the lead unit's users of the intended revocation and the hearing period (陈述申辩)."""
        record = consortium_of(session, call)
        days = int(call.variables.get("hearing_working_days") or 5)
        until = WorkingCalendar(session).add_working_days(local_today(now), days)
        result = store.latest_result(session, row.id)
        if result is not None:
            result.outcome = "hearing"
        recipients = list(
            session.scalars(
                sa.select(User.id).where(
                    User.org_credit_code == record.lead_credit_code, User.active.is_(True)
                )
            )
        )
        score = call.variables.get("evaluation_score")
        notify_users(
            DeadlineSettings(),
            session,
            recipients,
            kind="evaluation.hearing",
            subject=f"拟取消备案告知：{record.name}绩效评价不合格 / Notice of intended revocation",
            body=(
                f"{record.name}（{record.application_no}）绩效评价得分 {score}，结果为不合格。"
                "依据《青岛市创新联合体组建工作指引》七（二）“评价结果不合格的，取消备案资格”，"
                f"市科技局拟取消其备案。贵单位可于{until.isoformat()}（{days}个工作日）前"
                "在系统“陈述申辩”任务中提出陈述申辩；逾期未提出的，视为放弃。"
                f" / The evaluation of {record.application_no} was graded unqualified ({score}); the bureau "
                f"intends to revoke the filing. State your case by {until.isoformat()} ({days} working days)."
            ),
            now=now,
            instance_id=row.id,
        )
        audit_step(
            session, actor, now, row, call, "evaluation.hearing_opened",
            {"until": until.isoformat(), "working_days": days, "notified": recipients},
        )
        return {"hearing_until": until.isoformat(), "hearing_end_at": end_of_day(until).isoformat()}

    return {
        "open_hearing": open_hearing,
        "check_evaluation_panel": check_evaluation_panel,
        "grade_evaluation": grade_evaluation,
        "conclude_evaluation": conclude_evaluation,
        "open_rectification": open_rectification,
    }


def _conflicts(session: Session, expert_id: str, parties: recusal.Parties, now: datetime) -> list[str]:
    """Recusal by the expert pool's rules when the expert is in the pool; by its account's unit otherwise."""
    user = identities.find_user(session, str(expert_id))
    if user is None or not user.active or EXPERT not in {g.group_id for g in user.groups}:
        return ["不是在册评审专家 / not an active expert account"]
    reasons = []
    if user.org_credit_code and user.org_credit_code in parties.credit_codes:
        reasons.append(f"所在单位为该联合体成员 / works for member {user.org_credit_code}")
    try:
        expert = reviews.get_expert(session, user.id)
    except NotFound:
        return reasons
    affiliations = reviews.affiliations_of(session, user.id)
    relationships = reviews.relationships_of(session, user.id)
    return reasons + recusal.conflicts(expert, affiliations, relationships, parties, local_today(now))


def list_results(
    ctx: Context, *, round_id: int | None = None, consortium_id: int | None = None
) -> list[dict]:
    """Published results (public once published, like a publicity notice): grade, score, outcome."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        if round_id is not None:
            results = store.results_of_round(session, round_id)
        elif consortium_id is not None:
            results = store.evaluation_results(session, consortium_id)
        else:
            raise InvalidInput(
                "请指定评价轮次或联合体 / Give a round or a consortium", {"round_id": ["required"]}
            )
        return [describe_result(session, r) for r in results]


def describe_result(session: Session, result: EvaluationResult) -> dict[str, Any]:
    record = store.get_consortium(session, result.consortium_id)
    zh, en = GRADE_NAMES[result.grade]
    entrusted = agencies.assignment_of(session, result.instance_id, result.attempt)
    return {
        "evaluatedBy": "agency" if entrusted else "panel",
        "agency": entrusted.agency_code if entrusted else None,
        "roundNo": store.get_round(session, result.round_id).round_no,
        "applicationNo": record.application_no,
        "consortium": record.name,
        "attempt": result.attempt,
        "score": result.score,
        "grade": result.grade,
        "gradeName": f"{zh} / {en}",
        "publishedOn": result.published_on.isoformat(),
        "publicityUntil": result.publicity_until.isoformat(),
        "outcome": result.outcome,
        "rectificationUntil": result.rectification_until.isoformat() if result.rectification_until else None,
    }
