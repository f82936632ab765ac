"""Selection (择优): per application as soon as its own review is complete, or one decision for a round.

Guideline 七（一） "成熟一个、支持一个" (issue 14 item 1): `decide_application` decides one application once
it waits at its selection step, with its own publicity period, whatever the other applications of its
round are doing. `decide_selection` is the bureau's choice to decide together the applications that
shared a review session: it decides every application of the round not decided yet.

The proposed list is every application scoring at least the threshold (default the round's passing
score, 60) unless the bureau excludes it with a reason, or the experts' findings block it (a failed site
visit, a desk-review majority against) and the city clerk has not overridden them with a reason
(findings.py). Each application's selection step
(`consortium.step` = selection) completes with its outcome, and all selected applications open their
publicity with the round's one start and end
(DOMAIN-NOTES §3.2: a notice states explicit dates), so the round decision has one notice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ...actors import Actor
from ...clock import local_today
from ...context import Context
from ...deadline_settings import PublicityRule
from ...engine import calendar
from ...engine.store import audit
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, InvalidInput, NotFound
from ..consortia import end_of_day
from ..store import consortia, reviews
from ..store.review_models import RoundPublicity
from . import findings
from .review_steps import SELECTION, complete_step, waiting_at
from .rounds import publicity_rule, require_clerk
from .scoring import rank_round


def decide_selection(
    ctx: Context,
    *,
    round_id: int,
    actor: Actor,
    threshold: float | None = None,
    opinion: str | None = None,
    excluded: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Decide the round's proposed list and send each application its outcome, in one transaction.

    Raises:
        Conflict: the round was decided already, or some application is still under review.
        InvalidInput: an exclusion without a reason or for an application not in the ranking.
    """
    require_clerk(actor)
    excluded = excluded or {}
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        rnd = reviews.get_round(session, round_id)
        if rnd.status == "decided":
            raise Conflict(f"{rnd.name} 已确定拟备案名单 / The selection of {rnd.name} was already decided")
        threshold = rnd.passing_score if threshold is None else threshold
        ranked = rank_round(session, round_id)
        _check_ready(session, round_id, ranked, excluded)
        rule = publicity_rule(rnd)
        start, end = calendar.publicity_period(calendar.WorkingCalendar(session), local_today(now), rule)
        outcome = {"selected": [], "notSelected": []}
        for item in ranked:
            if reviews.find_entry(session, item["instanceId"]).outcome is not None:
                continue  # decided on its own already (decide_application)
            # a failed site visit or a desk-review majority against blocks it unless overridden (findings.py)
            allowed, found = findings.selectable(session, reviews.find_entry(session, item["instanceId"]))
            chosen = item["score"] >= threshold and item["applicationNo"] not in excluded and allowed
            reason = _reason(item["score"], threshold, excluded.get(item["applicationNo"]), found.blocking)
            data = _selection_data(item, chosen, reason, opinion, rnd.id, start, end, rule)
            complete_step(
                ctx,
                session,
                instance_id=item["instanceId"],
                step=SELECTION,
                actor=actor,
                data=data,
                now=now,
            )
            entry = reviews.find_entry(session, item["instanceId"])
            entry.outcome, entry.rank, entry.aggregate = (
                data["selection_decision"],
                item["rank"],
                item["score"],
            )
            outcome["selected" if chosen else "notSelected"].append(item["applicationNo"])
        if outcome["selected"]:
            session.add(
                RoundPublicity(
                    round_id=rnd.id,
                    start_date=start,
                    end_date=end,
                    ends_at=end_of_day(end),
                    rule=rule.describe(),
                    threshold=threshold,
                    decided_by=actor.id,
                    published_at=now,
                )
            )
        rnd.status, rnd.results_published_at = "decided", now
        audit.record(
            session,
            actor=actor,
            action="round.selection_decided",
            at=now,
            detail={"round": rnd.id, "threshold": threshold, **outcome, "excluded": excluded},
        )
        uow.commit()
        publicity = {"start": start.isoformat(), "end": end.isoformat()} if outcome["selected"] else None
        return {"roundId": rnd.id, "threshold": threshold, **outcome, "publicity": publicity}


def decide_application(
    ctx: Context,
    *,
    application_no: str,
    actor: Actor,
    threshold: float | None = None,
    opinion: str | None = None,
    exclude_reason: str | None = None,
) -> dict[str, Any]:
    """Decide one application's selection as soon as its own review is complete (成熟一个、支持一个).

    Selected when its score reaches `threshold` (default its round's passing score), the experts'
    findings allow it (findings.py) and the clerk gives no `exclude_reason`; a selected application opens
    its own publicity (its notice, its period under the round's rule). Other applications of the round
    are not waited for. Returns {"applicationNo", "roundId", "decision", "score", "rank", "threshold",
    "reason", "publicity": {"start", "end"} | None}.

    Raises:
        NotFound: no such application in a round.
        Conflict: decided already, or not waiting at its selection step (still under review).
        InvalidInput: a blank `exclude_reason`.
    """
    require_clerk(actor)
    if exclude_reason is not None and not exclude_reason.strip():
        raise InvalidInput("排除名单有误 / The exclusion is invalid",
                           {"excludeReason": ["须说明排除理由 / a reason is required"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = consortia.find_by_application(session, application_no)
        entry = reviews.find_entry(session, record.instance_id) if record and record.instance_id else None
        if entry is None:
            raise NotFound(f"申请不存在或未提交 / Application {application_no} was not submitted")
        if entry.outcome is not None:
            raise Conflict(f"申请 {application_no} 已择优 / The selection of {application_no} was decided")
        item = next((r for r in rank_round(session, entry.round_id) if r["instanceId"] == entry.instance_id),
                    None)
        if item is None or not waiting_at(session, entry.instance_id, SELECTION):
            raise Conflict(f"申请 {application_no} 尚未完成评审 / {application_no} is still under review")
        rnd = reviews.get_round(session, entry.round_id)
        threshold = rnd.passing_score if threshold is None else threshold
        rule = publicity_rule(rnd)
        start, end = calendar.publicity_period(calendar.WorkingCalendar(session), local_today(now), rule)
        allowed, found = findings.selectable(session, entry)
        chosen = item["score"] >= threshold and exclude_reason is None and allowed
        reason = _reason(item["score"], threshold, exclude_reason, found.blocking)
        data = _selection_data(item, chosen, reason, opinion, rnd.id, start, end, rule)
        complete_step(ctx, session, instance_id=entry.instance_id, step=SELECTION, actor=actor, data=data,
                      now=now)
        entry.outcome, entry.rank, entry.aggregate = data["selection_decision"], item["rank"], item["score"]
        if all(e.outcome is not None for e in reviews.entries_of(session, rnd.id)) and rnd.closes_at <= now:
            rnd.status, rnd.results_published_at = "decided", now
        audit.record(
            session,
            actor=actor,
            action="selection.decided",
            at=now,
            instance_id=entry.instance_id,
            detail={"round": rnd.id, "threshold": threshold, "decision": data["selection_decision"],
                    "score": item["score"], "reason": None if chosen else reason},
        )
        uow.commit()
        return {
            "applicationNo": application_no,
            "roundId": rnd.id,
            "decision": data["selection_decision"],
            "score": item["score"],
            "rank": item["rank"],
            "threshold": threshold,
            "reason": None if chosen else reason,
            "publicity": {"start": start.isoformat(), "end": end.isoformat()} if chosen else None,
        }


def _selection_data(item: dict[str, Any], chosen: bool, reason: str, opinion: str | None, round_id: int,
                    start: date, end: date, rule: PublicityRule) -> dict[str, Any]:
    """What the selection step completes with: the outcome, the opinion (or why not), the rank and score,
    and the publicity period the diagram's publicity step uses."""
    return {
        "selection_decision": "selected" if chosen else "not_selected",
        "selection_opinion": (opinion or "择优入选 / selected") if chosen else reason,
        "round_id": round_id,
        "rank": item["rank"],
        "expert_score": item["score"],
        "round_publicity_start": start.isoformat(),
        "round_publicity_end": end.isoformat(),
        "round_publicity_end_at": end_of_day(end).isoformat(),
        "round_publicity_rule": rule.describe(),
    }


def _reason(score: float, threshold: float, excluded: str | None, blocking: list[str]) -> str:
    """Why an application is not selected: the clerk's reason, the threshold, or the experts' findings."""
    if excluded:
        return excluded
    if score < threshold:
        return f"综合得分 {score} 低于入选线 {threshold} / score below the threshold {threshold}"
    return ("专家结论：" + "；".join(b.partition(" / ")[0] for b in blocking)
            + " / Experts' findings: " + "; ".join(b.partition(" / ")[2] for b in blocking))


def _check_ready(session, round_id: int, ranked: list[dict], excluded: dict[str, str]) -> None:
    ranked_nos = {r["applicationNo"] for r in ranked}
    bad = {
        no: ["须说明排除理由 / a reason is required"]
        for no, why in excluded.items()
        if not (why or "").strip()
    }
    bad.update(
        {no: ["不在本批次排名中 / not in this round's ranking"] for no in excluded if no not in ranked_nos}
    )
    if bad:
        raise InvalidInput("排除名单有误 / The exclusions are invalid", bad)
    pending = []
    for entry in reviews.entries_of(session, round_id):
        if entry.outcome is not None:
            continue
        row = session.get(ProcessInstance, entry.instance_id)
        at_selection = waiting_at(session, row.id, SELECTION)
        if row.status == "active" and entry.submitted_at and not at_selection:
            pending.append(entry.application_no)
        elif at_selection and entry.application_no not in ranked_nos:
            pending.append(entry.application_no)
    if pending:
        raise Conflict(
            f"以下申请尚未完成评审：{', '.join(pending)} / Still under review: {', '.join(pending)}"
        )
    if not [r for r in ranked if reviews.find_entry(session, r["instanceId"]).outcome is None]:
        raise Conflict("本批次没有待择优的申请 / No application of this round waits for its selection")


def round_notice(ctx: Context, *, round_id: int) -> dict[str, Any]:
    """The round's publicity notice: every selected consortium, one start and one end (public)."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rnd = reviews.get_round(session, round_id)
        notice = session.get(RoundPublicity, round_id)
        if notice is None:
            raise NotFound(f"{rnd.name} 尚无公示 / No publicity notice for {rnd.name} yet")
        listed = []
        for entry in reviews.entries_of(session, round_id):
            if entry.outcome == "selected":
                record = consortia.find_by_instance(session, entry.instance_id)
                listed.append(
                    {
                        "applicationNo": entry.application_no,
                        "name": record.name,
                        "leadCreditCode": record.lead_credit_code,
                        "rank": entry.rank,
                    }
                )
        listed.sort(key=lambda x: x["rank"])
        return {
            "roundId": rnd.id,
            "round": rnd.name,
            "start": notice.start_date.isoformat(),
            "end": notice.end_date.isoformat(),
            "rule": notice.rule,
            "consortia": listed,
        }
