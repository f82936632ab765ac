"""The panel's consolidated opinion (专家组意见; issue 13 item 4): generated, confirmed, signed, stored.

Generated from what the panel recorded: the signed defense score sheets of the experts still seated
(scores per rubric dimension, each expert's total, the mean per dimension, the aggregate with the
trimmed mean rule of `scoring.aggregate`), the recorded dissent, the desk reviews' recommendations and
the site visit's result; the recommendation is "recommended" when the aggregate reaches the round's
passing score and the findings block nothing (`findings.py`). The panel leader (组长: the first declared
member seat in draw order) confirms and signs it; a signed opinion is final. The stored record
(`panel_opinion`) is what the case file and a PDF read (`read_opinion`).
"""

from __future__ import annotations

import json
from datetime import datetime
from statistics import fmean
from typing import Any

from sqlalchemy.orm import Session

from ...actors import CITY_CLERK, Actor
from ...context import Context
from ...engine.store import audit
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ..store import reviews
from ..store.review_models import Panel, PanelOpinion
from . import findings
from .panels import seated_experts
from .rounds import rubric_of
from .scoring import application_result


def leader_of(session: Session, panel: Panel) -> str | None:
    """The panel leader: the first declared member in draw order (None before any declaration)."""
    seated = seated_experts(session, panel.instance_id)
    return seated[0] if seated else None


def compose(session: Session, panel: Panel) -> dict[str, Any]:
    """The opinion's content from the panel's records (JSON-safe).

    Raises:
        Conflict: no signed score sheet yet.
    """
    result = application_result(session, panel)
    if result["score"] is None:
        raise Conflict("尚无签署的评分表，无法生成专家组意见 / No signed score sheet yet")
    rnd = reviews.get_round(session, panel.round_id)
    seated = set(seated_experts(session, panel.instance_id))
    sheets = [s for s in reviews.sheets_of(session, panel.id) if s.signed_at and s.expert_id in seated]
    parsed = [(s, json.loads(s.scores_json or "{}")) for s in sheets]
    dimensions = []
    for item in rubric_of(rnd):
        key = item["key"]
        given = [float(scores[key]["score"]) for _, scores in parsed
                 if isinstance(scores.get(key), dict) and scores[key].get("score") is not None]
        dimensions.append({
            "key": key,
            "zh": item.get("zh"),
            "en": item.get("en"),
            "max": item.get("max"),
            "scores": given,
            "mean": round(fmean(given), 2) if given else None,
        })
    row = session.get(ProcessInstance, panel.instance_id)
    found = findings.findings_of(json.loads(row.variables_json or "{}") if row else {})
    recommended = result["score"] >= rnd.passing_score and not found.blocking
    return {
        "applicationNo": panel.application_no,
        "experts": sorted(seated),
        "dimensions": dimensions,
        "totals": {s.expert_id: s.total for s in sheets},
        "aggregate": result["score"],
        "trimmed": result["trimmed"],
        "passingScore": rnd.passing_score,
        "dissent": result["dissent"],
        "findings": found.as_dict(),
        "recommendation": "recommended" if recommended else "not_recommended",
    }


def generate_opinion(ctx: Context, *, panel_id: int, actor: Actor) -> dict[str, Any]:
    """Generate (or regenerate, while unsigned) the opinion for the leader to confirm.

    Raises:
        Forbidden: neither the panel leader nor a city clerk.
        Conflict: already signed, or no signed score sheet yet.
        NotFound: no such panel.
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        panel = reviews.get_panel(session, panel_id)
        leader = leader_of(session, panel)
        if actor.id != leader and not actor.has(CITY_CLERK):
            raise Forbidden("只有专家组组长或市科技局可以生成专家组意见 / Only the panel leader or the city "
                            "bureau may generate the opinion")
        opinion = session.get(PanelOpinion, panel_id)
        if opinion is not None and opinion.confirmed_at:
            raise Conflict("专家组意见已签署 / The panel's opinion was already signed")
        content = compose(session, panel)
        if opinion is None:
            opinion = PanelOpinion(panel_id=panel_id, instance_id=panel.instance_id, content_json="{}",
                                   leader=leader or "", generated_at=now)
            session.add(opinion)
        opinion.content_json = json.dumps(content, ensure_ascii=False)
        opinion.leader, opinion.generated_at = leader or "", now
        audit.record(session, actor=actor, action="panel.opinion_generated", at=now,
                     instance_id=panel.instance_id, detail={"panel": panel_id})
        uow.commit()
        return describe(opinion)


def confirm_opinion(ctx: Context, *, panel_id: int, actor: Actor, signature: str) -> dict[str, Any]:
    """The panel leader confirms and signs the generated opinion; it is final afterwards.

    Raises:
        Forbidden: not the panel leader.
        InvalidInput: no signature.
        NotFound: no opinion generated yet.
        Conflict: already signed.
    """
    now = ctx.now()
    if not (signature or "").strip():
        raise InvalidInput("须签名 / A signature is required", {"signature": ["必填 / required"]})
    with ctx.unit_of_work() as uow:
        session = uow.session
        panel = reviews.get_panel(session, panel_id)
        opinion = session.get(PanelOpinion, panel_id)
        if opinion is None:
            raise NotFound("尚未生成专家组意见 / No opinion has been generated yet")
        if actor.id != leader_of(session, panel):
            raise Forbidden("只有专家组组长可以签署专家组意见 / Only the panel leader may sign the opinion")
        if opinion.confirmed_at:
            raise Conflict("专家组意见已签署 / The panel's opinion was already signed")
        opinion.signature, opinion.confirmed_at = signature.strip(), now
        audit.record(session, actor=actor, action="panel.opinion_signed", at=now,
                     instance_id=panel.instance_id, detail={"panel": panel_id})
        uow.commit()
        return describe(opinion)


def read_opinion(session: Session, instance_id: str) -> dict[str, Any] | None:
    """The stored opinion of the application's panel (for the case file and its PDF), or None."""
    panel = reviews.find_panel_of(session, instance_id)
    opinion = session.get(PanelOpinion, panel.id) if panel else None
    return describe(opinion) if opinion else None


def describe(opinion: PanelOpinion) -> dict[str, Any]:
    def iso(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {
        "panelId": opinion.panel_id,
        "leader": opinion.leader,
        "generatedAt": iso(opinion.generated_at),
        "signature": opinion.signature,
        "confirmedAt": iso(opinion.confirmed_at),
        "content": json.loads(opinion.content_json),
    }
