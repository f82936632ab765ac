"""Score sheets on the round's rubric: drafts, signing (which locks the sheet), the aggregate, the ranking.

Signing completes the expert's scoring step (`consortium.step` = defense_scoring) with the sheet's id
and total, so the diagram moves on only when the domain holds the signed sheet;
a locked sheet refuses every later edit.
"""

from __future__ import annotations

import json
from datetime import datetime
from statistics import fmean
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import Actor
from ...clock import SHANGHAI, local_minutes
from ...context import Context
from ...engine.store import audit
from ...errors import Conflict, InvalidInput, NotFound
from ..store import consortia, reviews
from ..store.review_models import DefenseSession, DefenseSlot, Panel, ScoreSheet
from . import findings
from .panels import require_declared, seated_experts
from .review_steps import DEFENSE_SCORING, complete_step
from .rounds import require_clerk, rubric_of

TRIM_FROM = 5  # drop the highest and the lowest total when at least this many experts scored


def aggregate(totals: list[float]) -> tuple[float | None, bool]:
    """(score, trimmed): the mean, or with ≥5 totals the mean without one highest and one lowest."""
    if not totals:
        return None, False
    if len(totals) >= TRIM_FROM:
        kept = sorted(totals)[1:-1]
        return round(fmean(kept), 2), True
    return round(fmean(totals), 2), False


def save_sheet(
    ctx: Context,
    *,
    panel_id: int,
    actor: Actor,
    scores: dict[str, dict[str, Any]],
    dissent: str | None = None,
) -> dict[str, Any]:
    """Save the caller's draft: {dimension: {"score": n, "comment": text}}; refused once signed."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        panel = reviews.get_panel(session, panel_id)
        sheet = _own_sheet(session, panel, actor, now)
        problems = _score_problems(
            rubric_of(reviews.get_round(session, panel.round_id)), scores, complete=False
        )
        if problems:
            raise InvalidInput("评分表有误 / The score sheet has errors", problems)
        sheet.scores_json = json.dumps(scores, ensure_ascii=False)
        sheet.dissent = (dissent or "").strip() or None
        sheet.updated_at = now
        uow.commit()
        return describe_sheet(session, sheet)


def sign_sheet(ctx: Context, *, panel_id: int, actor: Actor, signature: str) -> dict[str, Any]:
    """Sign: every dimension scored and commented; the sheet locks and the scoring task completes."""
    if not (signature or "").strip():
        raise InvalidInput("请签名 / Sign the sheet", {"signature": ["必填 / required"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        panel = reviews.get_panel(session, panel_id)
        _refuse_before_defense(session, panel.instance_id, now)
        sheet = _own_sheet(session, panel, actor, now)
        rubric = rubric_of(reviews.get_round(session, panel.round_id))
        scores = json.loads(sheet.scores_json or "{}")
        problems = _score_problems(rubric, scores, complete=True)
        if problems:
            raise InvalidInput("评分表未填写完整 / The score sheet is incomplete", problems)
        sheet.total = round(sum(float(scores[d["key"]]["score"]) for d in rubric), 2)
        sheet.signature, sheet.signed_at, sheet.updated_at = signature.strip(), now, now
        session.flush()
        complete_step(
            ctx,
            session,
            instance_id=panel.instance_id,
            step=DEFENSE_SCORING,
            actor=actor,
            assignee=actor.id,
            data={"sheet_id": sheet.id, "total": sheet.total, "signed": True},
            now=now,
        )
        audit.record(
            session,
            actor=actor,
            action="score_sheet.signed",
            at=now,
            instance_id=panel.instance_id,
            detail={"sheet": sheet.id, "total": sheet.total, "scores": scores, "dissent": sheet.dissent},
        )
        uow.commit()
        return describe_sheet(session, sheet)


def _refuse_before_defense(session: Session, instance_id: str, now: datetime) -> None:
    """A sheet is signed at the defense: before the scheduled session starts, signing is refused (409).

    With no session scheduled for the application (scoring without a hearing), signing is not held back.
    """
    starts = session.scalar(
        sa.select(sa.func.min(DefenseSession.starts_at))
        .join(DefenseSlot, DefenseSlot.session_id == DefenseSession.id)
        .where(DefenseSlot.instance_id == instance_id, DefenseSession.status == "scheduled")
    )
    if starts is not None and now < starts:
        when = starts.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        raise Conflict(
            f"答辩会 {when} 开始，开始前不能签署评分表 / "
            f"The defense session starts at {when} (Beijing time): sign the score sheet once it has started"
        )


def _own_sheet(session: Session, panel: Panel, actor: Actor, now: datetime) -> ScoreSheet:
    require_declared(session, panel.instance_id, actor)
    sheet = reviews.find_sheet(session, panel.id, actor.id)
    if sheet is None:
        sheet = ScoreSheet(
            panel_id=panel.id, instance_id=panel.instance_id, expert_id=actor.id, updated_at=now
        )
        session.add(sheet)
        session.flush()
    if sheet.signed_at is not None:
        raise Conflict(
            f"评分表已于 {local_minutes(sheet.signed_at)} 签名锁定，不能修改 / "
            "The score sheet is signed and locked; it cannot be changed"
        )
    return sheet


def _score_problems(rubric: list[dict], scores: Any, *, complete: bool) -> dict[str, list[str]]:
    if not isinstance(scores, dict):
        return {"scores": ["须为对象 / must be an object"]}
    problems: dict[str, list[str]] = {}
    known = {d["key"]: d for d in rubric}
    for key in scores.keys() - known.keys():
        problems[key] = ["不是本批次的评分维度 / not a dimension of this round's rubric"]
    for key, dimension in known.items():
        item = scores.get(key)
        if item is None:
            if complete:
                problems[key] = ["未评分 / not scored"]
            continue
        score = item.get("score") if isinstance(item, dict) else None
        if (
            not isinstance(score, int | float)
            or isinstance(score, bool)
            or not 0 <= score <= dimension["max"]
        ):
            problems[key] = [f"分值须在 0–{dimension['max']} 之间 / score must be 0–{dimension['max']}"]
        elif complete and not str(item.get("comment") or "").strip():
            problems[key] = ["请填写评语 / a comment is required"]
    return problems


def describe_sheet(session: Session, sheet: ScoreSheet) -> dict[str, Any]:
    return {
        "id": sheet.id,
        "panelId": sheet.panel_id,
        "expert": sheet.expert_id,
        "scores": json.loads(sheet.scores_json or "{}"),
        "total": sheet.total,
        "dissent": sheet.dissent,
        "signed": sheet.signed_at is not None,
        "signedAt": sheet.signed_at.isoformat() if sheet.signed_at else None,
    }


def my_sheet(ctx: Context, *, panel_id: int, actor: Actor) -> dict[str, Any]:
    with ctx.unit_of_work(write=False) as uow:
        panel = reviews.get_panel(uow.session, panel_id)
        sheet = reviews.find_sheet(uow.session, panel.id, actor.id)
        if sheet is None or actor.id not in seated_experts(uow.session, panel.instance_id):
            raise NotFound(f"评分表不存在 / No score sheet of yours on panel {panel_id}")
        return describe_sheet(uow.session, sheet)


def application_result(session: Session, panel: Panel) -> dict[str, Any]:
    """Signed sheets of the experts still seated: the aggregate, whether trimmed, and recorded dissent."""
    seated = set(seated_experts(session, panel.instance_id))
    signed = [s for s in reviews.sheets_of(session, panel.id) if s.signed_at and s.expert_id in seated]
    score, trimmed = aggregate([s.total for s in signed])
    return {
        "score": score,
        "trimmed": trimmed,
        "count": len(signed),
        "dissent": [{"expert": s.expert_id, "text": s.dissent} for s in signed if s.dissent],
    }


def ranking(ctx: Context, *, round_id: int, actor: Actor) -> list[dict[str, Any]]:
    """Applications of the round by aggregate score, highest first (the bureau's view)."""
    require_clerk(actor)
    with ctx.unit_of_work(write=False) as uow:
        return rank_round(uow.session, round_id)


def rank_round(session: Session, round_id: int) -> list[dict[str, Any]]:
    reviews.get_round(session, round_id)
    rows = []
    for entry in reviews.entries_of(session, round_id):
        panel = reviews.find_panel_of(session, entry.instance_id)
        if panel is None:
            continue
        result = application_result(session, panel)
        if result["score"] is None:
            continue
        record = consortia.find_by_instance(session, entry.instance_id)
        allowed, found = findings.selectable(session, entry)  # issue 13 item 4
        rows.append(
            {
                "applicationNo": entry.application_no,
                "name": record.name,
                "instanceId": entry.instance_id,
                "outcome": entry.outcome,
                **result,
                "findings": found.as_dict(),
                "findingsOverride": findings.override_of(entry),
                "selectable": allowed,
            }
        )
    rows.sort(key=lambda r: (-r["score"], r["applicationNo"]))
    for rank, item in enumerate(rows, start=1):
        item["rank"] = rank
    return rows
