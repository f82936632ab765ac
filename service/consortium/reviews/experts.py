"""The expert pool: "10+1" fields, affiliations by credit code, declared relationships, availability.

Recording an affiliation or a relationship re-checks the panels the expert sits on, so a conflict found
after the draw removes the expert and draws a replacement at once (panels.remove_for_conflict).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from forms.checks import uscc_problem
from forms.vocabulary import INDUSTRY_CHOICES

from ...actors import EXPERT, Actor
from ...clock import SHANGHAI
from ...context import Context
from ...engine.store import audit, identities
from ...errors import Forbidden, InvalidInput
from ..store import reviews
from ..store.review_models import Expert, ExpertAffiliation, ExpertAvailability, ExpertRelationship
from . import panels
from .rounds import require_clerk


def register_expert(
    ctx: Context,
    *,
    actor: Actor,
    user_id: str,
    name: str,
    fields: list[str],
    email: str | None = None,
    id_number: str | None = None,
    title: str | None = None,
    active: bool = True,
) -> dict[str, Any]:
    """Add an expert account to the pool (or update it); the account must be in the `expert` group."""
    require_clerk(actor)
    problems: dict[str, list[str]] = {}
    unknown = [f for f in fields if f not in INDUSTRY_CHOICES]
    if not fields or unknown:
        problems["fields"] = [f"请从“10+1”产业中选择 / Choose from the 10+1 industries: {', '.join(unknown)}"]
    if not (name or "").strip():
        problems["name"] = ["请填写姓名 / A name is required"]
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        user = identities.find_user(session, user_id)
        if user is None or EXPERT not in {g.group_id for g in user.groups}:
            problems["userId"] = ["须为评审专家账号 / Must be a user in the expert group"]
        if problems:
            raise InvalidInput("专家信息有误 / The expert record is invalid", problems)
        expert = session.get(Expert, user_id) or Expert(user_id=user_id)
        expert.name, expert.fields_json = name.strip(), json.dumps(sorted(set(fields)))
        expert.email, expert.id_number, expert.title, expert.active = email, id_number, title, active
        session.add(expert)
        audit.record(session, actor=actor, action="expert.registered", at=now, detail={"expert": user_id})
        uow.commit()
        return describe_expert(session, expert)


def add_affiliation(
    ctx: Context,
    *,
    actor: Actor,
    expert_id: str,
    credit_code: str,
    unit_name: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    """Record a current (`until` None) or past unit; panels the expert sits on are re-checked."""
    may_edit(actor, expert_id)
    problem = uscc_problem(credit_code)
    if problem:
        raise InvalidInput("统一社会信用代码有误 / Invalid credit code", {"creditCode": [str(problem)]})
    if since and until and until < since:
        raise InvalidInput("日期有误 / Invalid dates", {"until": ["结束早于开始 / ends before it starts"]})
    with ctx.unit_of_work() as uow:
        reviews.get_expert(uow.session, expert_id)
        uow.session.add(
            ExpertAffiliation(
                expert_id=expert_id, credit_code=credit_code, unit_name=unit_name, since=since, until=until
            )
        )
        uow.session.flush()
        return _recheck_and_commit(ctx, uow, actor, expert_id, "expert.affiliation_added", credit_code)


def declare_relationship(
    ctx: Context, *, actor: Actor, expert_id: str, credit_code: str, kind: str, note: str | None = None
) -> dict[str, Any]:
    """A relationship with a unit (investment, dispute, co-PI, relative employed there …)."""
    may_edit(actor, expert_id)
    problem = uscc_problem(credit_code)
    if problem or not (kind or "").strip():
        raise InvalidInput(
            "关系信息有误 / Invalid relationship",
            {"creditCode": [str(problem)]} if problem else {"kind": ["请填写关系类型 / Kind is required"]},
        )
    with ctx.unit_of_work() as uow:
        reviews.get_expert(uow.session, expert_id)
        uow.session.add(
            ExpertRelationship(expert_id=expert_id, credit_code=credit_code, kind=kind.strip(), note=note)
        )
        uow.session.flush()
        return _recheck_and_commit(ctx, uow, actor, expert_id, "expert.relationship_declared", credit_code)


def _recheck_and_commit(ctx: Context, uow, actor: Actor, expert_id: str, action: str, code: str):
    now = ctx.now()
    audit.record(uow.session, actor=actor, action=action, at=now, detail={"expert": expert_id, "unit": code})
    removed = panels.recheck_expert(ctx, uow.session, expert_id=expert_id, actor=actor, now=now)
    uow.commit()
    view = describe_expert(uow.session, reviews.get_expert(uow.session, expert_id))
    view["removedFromPanels"] = removed
    return view


def add_availability(
    ctx: Context, *, actor: Actor, expert_id: str, starts_at: datetime, ends_at: datetime
) -> dict[str, Any]:
    may_edit(actor, expert_id)
    if starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at <= starts_at:
        raise InvalidInput(
            "时间段有误 / Invalid window", {"endsAt": ["须晚于开始且带时区 / after start, aware"]}
        )
    with ctx.unit_of_work() as uow:
        reviews.get_expert(uow.session, expert_id)
        uow.session.add(ExpertAvailability(expert_id=expert_id, starts_at=starts_at, ends_at=ends_at))
        uow.commit()
        return describe_expert(uow.session, reviews.get_expert(uow.session, expert_id))


def may_edit(actor: Actor, expert_id: str) -> None:
    """Clerks keep the pool; an expert may add to its own record (self-declaration)."""
    if actor.id != expert_id and not actor.has("city_clerk", "admin"):
        raise Forbidden("只能维护本人的专家信息 / You may only edit your own expert record")


def list_experts(ctx: Context, *, actor: Actor) -> list[dict[str, Any]]:
    """Only the bureau sees the pool: who reviews is confidential (DOMAIN-NOTES §4.1, Futian)."""
    require_clerk(actor)
    with ctx.unit_of_work(write=False) as uow:
        return [describe_expert(uow.session, e) for e in reviews.list_experts(uow.session)]


def get_expert(ctx: Context, *, actor: Actor, expert_id: str) -> dict[str, Any]:
    may_edit(actor, expert_id)
    with ctx.unit_of_work(write=False) as uow:
        return describe_expert(uow.session, reviews.get_expert(uow.session, expert_id))


def describe_expert(session, expert: Expert) -> dict[str, Any]:
    return {
        "userId": expert.user_id,
        "name": expert.name,
        "title": expert.title,
        "email": expert.email,
        "fields": json.loads(expert.fields_json or "[]"),
        "active": expert.active,
        "affiliations": [
            {
                "creditCode": a.credit_code,
                "unitName": a.unit_name,
                "since": a.since.isoformat() if a.since else None,
                "until": a.until.isoformat() if a.until else None,
            }
            for a in reviews.affiliations_of(session, expert.user_id)
        ],
        "relationships": [
            {"creditCode": r.credit_code, "kind": r.kind, "note": r.note}
            for r in reviews.relationships_of(session, expert.user_id)
        ],
        "availability": [
            {
                "startsAt": w.starts_at.astimezone(SHANGHAI).isoformat(),
                "endsAt": w.ends_at.astimezone(SHANGHAI).isoformat(),
            }
            for w in reviews.availability_of(session, expert.user_id)
        ],
    }
