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
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import CITY_CLERK, Actor
from ...context import Context
from ...engine.store import audit, instances
from ...engine.store.models import ProcessInstance, User
from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ..store import consortia, reviews
from ..store.review_models import Panel, PanelOpinion
from ..store.reviewer_secrecy import ReviewerSecrecy
from . import findings
from .panel_access import expert_label, results_published
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


def read_opinion(session: Session, instance_id: str, actor: Actor | None = None) -> dict[str, Any] | None:
    """The stored opinion of the application's panel (for the case file and its PDF), or None; with
    `actor`, as that viewer may read it (`redacted`)."""
    panel = reviews.find_panel_of(session, instance_id)
    opinion = session.get(PanelOpinion, panel.id) if panel else None
    if opinion is None:
        return None
    return redacted(session, instance_id, actor, describe(opinion)) if actor else describe(opinion)


def redacted(session: Session, instance_id: str, actor: Actor, shown: dict[str, Any]) -> dict[str, Any]:
    """`describe`'s shape as `actor` may read it (store/reviewer_secrecy.py; breakit F15).

    City clerks and administrators and, once the results are published, the panel's experts read the
    experts by their real names (display names, never login ids); before publication a seated expert
    reads its own name and "专家二" for each colleague. Applicants, member units and district
    clerks always read "专家一、专家二…" (numbered in panel order, the same number in every part of
    the opinion), "专家组组长" for the leader and no typed signature."""
    secrecy = ReviewerSecrecy(session, actor)
    content = dict(shown["content"])
    order = list(content.get("experts") or [])
    names = _display_names(session, [*order, shown.get("leader")])

    def who(user_id: str | None) -> str:
        if user_id and secrecy.shown(instance_id, user_id):
            return names.get(user_id, user_id)
        n = order.index(user_id) + 1 if user_id in order else 0
        return expert_label(n) if n else "评审专家"

    content["experts"] = [who(e) for e in order]
    content["totals"] = {who(e): total for e, total in (content.get("totals") or {}).items()}
    content["dissent"] = [{**d, "expert": who(d.get("expert"))} for d in content.get("dissent") or []]
    leader = shown.get("leader")
    leader_shown = bool(leader) and secrecy.shown(instance_id, leader) is not None
    return {**shown, "content": content,
            "leaderId": leader if leader_shown else None,
            "leader": names.get(leader, leader) if leader_shown else "专家组组长",
            "signature": shown["signature"] if leader_shown else None}


def _display_names(session: Session, user_ids: list[str | None]) -> dict[str, str]:
    wanted = [u for u in user_ids if u]
    if not wanted:
        return {}
    rows = session.execute(sa.select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name or user_id for user_id, name in rows}


def may_see(session: Session, instance_id: str, actor: Actor) -> bool:
    """Whether `actor` may read the application's panel opinion (reviewer secrecy, store/reviewer_secrecy.py).

    City clerks (and administrators) always; the panel's own seated experts (declared, not removed);
    anyone else who may see the application (applicant, members, district clerk) only once the round's
    results are published, since the opinion names the panel.
    """
    if actor.sees_everything:
        return True
    if actor.id in seated_experts(session, instance_id):
        return True
    return results_published(session, instance_id)


@dataclass(frozen=True)
class OpinionDocument:
    """The expert-group opinion as its page and PDF show it (`opinion` is `describe`'s shape)."""

    application_no: str
    instance_id: str
    consortium_name: str | None
    panel_id: int
    leader: str | None  # the panel leader now (who may sign); None when the viewer may not know it
    opinion: dict[str, Any] | None  # None: not generated yet


def opinion_document(
    ctx: Context, *, actor: Actor, application_no: str | None = None, panel_id: int | None = None
) -> OpinionDocument:
    """The application's panel opinion for the page and the PDF, by application number or panel id.

    Raises:
        NotFound: no such application or panel, or the actor may not see the opinion (`may_see`):
            an applicant, member or district clerk before the results are published, an expert not
            seated on the panel, anyone who may not see the application.
    """
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        if panel_id is not None:
            panel = reviews.get_panel(session, panel_id)
        else:
            record = consortia.find_by_application(session, application_no or "")
            found = record.instance_id if record else None
            panel = reviews.find_panel_of(session, found) if found else None
        if panel is None:  # the same answer whether or not the application exists for this viewer
            raise NotFound(f"专家组意见不存在 / No panel opinion for {application_no}")
        # not seen = not there, in the words of the id asked for: never the instance id, nor a panel's
        # application number (report-a finding 11)
        missing = NotFound(reviews.PANEL_NOT_FOUND.format(id=panel_id) if panel_id is not None
                           else f"专家组意见不存在 / No panel opinion for {application_no}")
        try:
            instances.get_visible(session, panel.instance_id, actor)
        except NotFound:  # never the instance's own "does not exist" (report-a finding 11)
            if actor.id not in seated_experts(session, panel.instance_id):
                raise missing from None
        if not may_see(session, panel.instance_id, actor):
            raise missing
        record = consortia.find_by_instance(session, panel.instance_id)
        stored = session.get(PanelOpinion, panel.id)
        leader, published = leader_of(session, panel), results_published(session, panel.instance_id)
        return OpinionDocument(
            panel.application_no, panel.instance_id, record.name if record else None, panel.id,
            leader if leader == actor.id or actor.sees_everything or published else None,
            redacted(session, panel.instance_id, actor, describe(stored)) if stored else None,
        )


def describe(opinion: PanelOpinion) -> dict[str, Any]:
    """{"panelId", "leader", "generatedAt", "signature", "confirmedAt", "content": `compose`'s shape}."""
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
