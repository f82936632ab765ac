"""Panels: a random, re-checkable draw by field; no-conflict declarations; replacements for conflicts.

The draw screens the pool (field, availability, recusal), sorts the eligible experts, and takes
`random.Random(seed).sample(eligible, size + reserves)`: the first `size` sit, the rest wait as reserves.
Seed, candidates and exclusions are stored, so anyone can re-run the draw (`verify_draw`). Experts see
nothing of the application until they sign a no-conflict declaration; when every seat has signed, the
application's panel step (`consortium.step` = assign_panel) completes with the panel and the review
tasks go to those experts.
"""

from __future__ import annotations

import json
import random
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ...actors import SYSTEM, Actor
from ...clock import local_today
from ...context import Context
from ...engine.store import audit, instances, tasks
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ..store import consortia, reviews
from ..store.review_models import Panel, PanelSeat
from . import recusal
from .review_steps import ASSIGN_PANEL, EXPERT_STEPS, complete_step, open_tasks, waiting_at
from .rounds import require_clerk

ALGORITHM = "random.Random(seed).sample(sorted eligible expert ids, size + reserves)"


def draw_panel(
    ctx: Context, *, round_id: int, application_no: str, actor: Actor, seed: str | None = None
) -> dict[str, Any]:
    """Draw the panel of one application waiting at its panel step (`consortium.step` = assign_panel).

    Raises:
        Conflict: the application is not waiting for a panel, or already has one.
        InvalidInput: fewer eligible experts than the round's panel size.
    """
    require_clerk(actor)
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        rnd = reviews.get_round(session, round_id)
        row = _application_in_round(session, round_id, application_no)
        if reviews.find_panel_of(session, row.id) is not None:
            raise Conflict(
                f"{application_no} 已抽取评审专家 / A panel was already drawn for {application_no}"
            )
        if not waiting_at(session, row.id, ASSIGN_PANEL):
            raise Conflict(f"{application_no} 尚未通过形式审查 / {application_no} is not waiting for a panel")
        field = consortia.find_by_instance(session, row.id).industry
        eligible, excluded = screen(session, row, field, now)
        if len(eligible) < rnd.panel_size:
            raise InvalidInput(
                f"符合条件的专家只有 {len(eligible)} 名，少于 {rnd.panel_size} 名 / "
                f"Only {len(eligible)} eligible experts for a panel of {rnd.panel_size}",
                {"panel": [json.dumps(excluded, ensure_ascii=False)]},
            )
        seed = seed or secrets.token_hex(8)
        order = random.Random(seed).sample(eligible, min(len(eligible), rnd.panel_size + rnd.panel_reserves))
        panel = Panel(
            round_id=rnd.id,
            instance_id=row.id,
            application_no=application_no,
            field=field,
            size=rnd.panel_size,
            reserves=rnd.panel_reserves,
            seed=seed,
            candidates_json=json.dumps(eligible),
            excluded_json=json.dumps(excluded, ensure_ascii=False),
            drawn_order_json=json.dumps(order),
            drawn_by=actor.id,
            drawn_at=now,
        )
        session.add(panel)
        session.flush()
        for position, expert_id in enumerate(order, start=1):
            member = position <= rnd.panel_size
            session.add(
                PanelSeat(
                    panel_id=panel.id,
                    expert_id=expert_id,
                    position=position,
                    role="member" if member else "reserve",
                    status="drawn" if member else "standby",
                )
            )
        audit.record(
            session,
            actor=actor,
            action="panel.drawn",
            at=now,
            instance_id=row.id,
            detail={"panel": panel.id, "seed": seed, "order": order, "excluded": excluded},
        )
        uow.commit()
        reserves = len(order) - rnd.panel_size
        warnings = [] if reserves >= rnd.panel_reserves else [
            f"候补专家只抽到 {reserves} 名，少于设定的 {rnd.panel_reserves} 名：有专家回避时可能无人递补 / "
            f"Only {reserves} of the {rnd.panel_reserves} configured reserves could be drawn: "
            "a recusal may leave the panel short"
        ]
        return {"panelId": panel.id, "applicationNo": application_no, "seed": seed, "drawn": order,
                "reserves": reserves, "reservesConfigured": rnd.panel_reserves, "warnings": warnings}


def _application_in_round(session: Session, round_id: int, application_no: str) -> ProcessInstance:
    record = consortia.find_by_application(session, application_no)
    entry = reviews.find_entry(session, record.instance_id) if record and record.instance_id else None
    if entry is None or entry.round_id != round_id:
        raise NotFound(
            f"批次 {round_id} 中没有申请 {application_no} / No application {application_no} in round"
        )
    return session.get(ProcessInstance, entry.instance_id)


def screen(
    session: Session, row: ProcessInstance, field: str | None, now: datetime
) -> tuple[list[str], dict[str, list[str]]]:
    """(eligible expert ids sorted, {excluded id: reasons}) among the pool experts of `field`."""
    parties = parties_of(session, row)
    today = local_today(now)
    eligible, excluded = [], {}
    for expert in reviews.list_experts(session):
        if field and field not in json.loads(expert.fields_json or "[]"):
            continue
        reasons = _unavailable(session, expert, now) + _conflicts(session, expert.user_id, parties, today)
        if reasons:
            excluded[expert.user_id] = reasons
        else:
            eligible.append(expert.user_id)
    return sorted(eligible), excluded


def parties_of(session: Session, row: ProcessInstance) -> recusal.Parties:
    record = consortia.find_by_instance(session, row.id)
    members = [m.credit_code for m in record.members if m.status != "declined"]
    chief = json.loads(row.variables_json or "{}").get("chief_expert")
    return recusal.parties_of(record.application_no, record.lead_credit_code, members, chief)


def _conflicts(session: Session, expert_id: str, parties: recusal.Parties, today: date) -> list[str]:
    return recusal.conflicts(
        reviews.get_expert(session, expert_id),
        reviews.affiliations_of(session, expert_id),
        reviews.relationships_of(session, expert_id),
        parties,
        today,
    )


def _unavailable(session: Session, expert, now: datetime) -> list[str]:
    if not expert.active:
        return ["暂停参加评审 / inactive in the pool"]
    windows = reviews.availability_of(session, expert.user_id)
    if windows and all(w.ends_at <= now for w in windows):
        return ["无可用时间 / no availability from now on"]
    return []


def verify_draw(ctx: Context, *, panel_id: int, actor: Actor) -> dict[str, Any]:
    """Re-run the draw from the stored seed and candidates; `matches` says whether it comes out the same."""
    require_clerk(actor)
    with ctx.unit_of_work(write=False) as uow:
        panel = reviews.get_panel(uow.session, panel_id)
        candidates = json.loads(panel.candidates_json)
        drawn = json.loads(panel.drawn_order_json)
        again = random.Random(panel.seed).sample(candidates, len(drawn))
        return {
            "panelId": panel.id,
            "algorithm": ALGORITHM,
            "seed": panel.seed,
            "candidates": candidates,
            "excluded": json.loads(panel.excluded_json),
            "drawn": drawn,
            "recomputed": again,
            "matches": again == drawn,
        }


def declare(
    ctx: Context, *, panel_id: int, actor: Actor, no_conflict: bool, statement: str, signature: str
) -> dict[str, Any]:
    """An expert signs the no-conflict declaration (承诺书) before seeing any material, or declares one.

    A declared conflict removes the expert and seats a replacement. When every seat has signed, the
    application's panel step completes and the review tasks reach the panel.
    """
    if not (signature or "").strip():
        raise InvalidInput("请签名 / Sign the declaration", {"signature": ["必填 / required"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        panel = reviews.get_panel(session, panel_id)
        seat = reviews.seat_of(session, panel.id, actor.id)
        if seat is None or seat.role != "member" or seat.status == "removed":
            raise NotFound(reviews.PANEL_NOT_FOUND.format(id=panel_id))
        if seat.status == "declared":
            raise Conflict("已签署声明 / You have already signed the declaration")
        if not no_conflict:
            reason = f"本人申报利益冲突 / declared by the expert: {statement}"
            remove_for_conflict(ctx, session, panel, seat, reason, actor, now)
        else:
            seat.status, seat.declared_at = "declared", now
            seat.declaration = json.dumps(
                {"statement": statement, "signature": signature}, ensure_ascii=False
            )
            audit.record(
                session,
                actor=actor,
                action="panel.declared",
                at=now,
                instance_id=panel.instance_id,
                detail={"panel": panel.id, "statement": statement, "signature": signature},
            )
            if panel.confirmed_at is not None:  # a replacement seated after the panel was confirmed
                instances.grant(session, panel.instance_id, "user", actor.id)
        _confirm_if_complete(ctx, session, panel, actor, now)
        uow.commit()
        return {"panelId": panel.id, "status": seat.status, "confirmed": panel.confirmed_at is not None}


def _confirm_if_complete(ctx: Context, session: Session, panel: Panel, actor: Actor, now: datetime) -> None:
    members = reviews.members_of(session, panel.id)
    if panel.confirmed_at is not None or not members or any(s.status != "declared" for s in members):
        return
    panel.confirmed_at = now
    experts = [s.expert_id for s in members]
    if len(experts) < panel.size:
        audit.record(
            session,
            actor=actor,
            action="panel.short",
            at=now,
            instance_id=panel.instance_id,
            detail={"panel": panel.id, "members": experts, "size": panel.size},
        )
    complete_step(  # the system closes the clerk's step once the panel is complete, not the last signer
        ctx,
        session,
        instance_id=panel.instance_id,
        step=ASSIGN_PANEL,
        actor=SYSTEM,
        data={"panel": experts, "panel_id": panel.id},
        now=now,
    )


def report_conflict(
    ctx: Context, *, panel_id: int, expert_id: str, reason: str, actor: Actor
) -> dict[str, Any]:
    """A conflict found after the draw (by the bureau, or the expert itself): remove and replace."""
    if actor.id != expert_id:
        require_clerk(actor)
    if not (reason or "").strip():
        raise InvalidInput("请说明冲突情况 / State the conflict", {"reason": ["必填 / required"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        panel = reviews.get_panel(session, panel_id)
        seat = reviews.seat_of(session, panel.id, expert_id)
        if seat is None or seat.status == "removed":
            raise NotFound(f"专家 {expert_id} 不在该专家组 / {expert_id} is not on panel {panel_id}")
        replacement = remove_for_conflict(ctx, session, panel, seat, reason.strip(), actor, now)
        uow.commit()
        return {"panelId": panel.id, "removed": expert_id, "replacement": replacement}


def recheck_expert(
    ctx: Context, session: Session, *, expert_id: str, actor: Actor, now: datetime
) -> list[str]:
    """After the pool record changed: remove the expert from every running panel it now conflicts with."""
    removed = []
    for seat in reviews.held_seats_of_expert(session, expert_id):
        panel = reviews.get_panel(session, seat.panel_id)
        row = session.get(ProcessInstance, panel.instance_id)
        if row is None or row.status != "active":
            continue
        reasons = _conflicts(session, expert_id, parties_of(session, row), local_today(now))
        if reasons:
            remove_for_conflict(ctx, session, panel, seat, "；".join(reasons), actor, now)
            removed.append(panel.application_no)
    return removed


def remove_for_conflict(
    ctx: Context, session: Session, panel: Panel, seat: PanelSeat, reason: str, actor: Actor, now: datetime
) -> str | None:
    """Take the expert off the panel and out of the application; returns the replacement's id, if any."""
    was_member = seat.role == "member"
    seat.status, seat.removed_at, seat.removed_reason = "removed", now, reason
    reviews.revoke_user_access(session, panel.instance_id, seat.expert_id)
    audit.record(
        session,
        actor=actor,
        action="panel.expert_removed",
        at=now,
        instance_id=panel.instance_id,
        detail={"panel": panel.id, "expert": seat.expert_id, "reason": reason},
    )
    if not was_member:
        return None
    replacement = _seat_replacement(session, panel, now)
    if replacement is None:
        audit.record(
            session,
            actor=actor,
            action="panel.short",
            at=now,
            instance_id=panel.instance_id,
            detail={"panel": panel.id, "removed": seat.expert_id},
        )
        _confirm_if_complete(ctx, session, panel, actor, now)
        return None
    seat.replaced_by = replacement.expert_id
    for step in EXPERT_STEPS:
        for task in open_tasks(session, panel.instance_id, step, seat.expert_id):
            tasks.set_assignee(session, task.id, replacement.expert_id)
    audit.record(
        session,
        actor=actor,
        action="panel.replacement_seated",
        at=now,
        instance_id=panel.instance_id,
        detail={"panel": panel.id, "replaced": seat.expert_id, "by": replacement.expert_id},
    )
    return replacement.expert_id


def _seat_replacement(session: Session, panel: Panel, now: datetime) -> PanelSeat | None:
    """The next reserve still free of conflicts; else one more draw from the pool (seed `<seed>/<n>`)."""
    row = session.get(ProcessInstance, panel.instance_id)
    parties, today = parties_of(session, row), local_today(now)
    seats = reviews.seats_of(session, panel.id)
    for seat in seats:
        if seat.role == "reserve" and seat.status == "standby":
            reasons = _conflicts(session, seat.expert_id, parties, today)
            if reasons:
                seat.status, seat.removed_at, seat.removed_reason = "removed", now, "；".join(reasons)
                continue
            seat.role, seat.status = "member", "drawn"
            return seat
    taken = {s.expert_id for s in seats}
    eligible = [e for e in screen(session, row, panel.field, now)[0] if e not in taken]
    if not eligible:
        return None
    chosen = random.Random(f"{panel.seed}/{len(seats) + 1}").choice(eligible)
    seat = PanelSeat(
        panel_id=panel.id, expert_id=chosen, position=len(seats) + 1, role="member", status="drawn"
    )
    session.add(seat)
    session.flush()
    return seat


def seated_experts(session: Session, instance_id: str) -> list[str]:
    """The experts who may work on the application now: declared member seats of its panel."""
    panel = reviews.find_panel_of(session, instance_id)
    if panel is None:
        return []
    return [s.expert_id for s in reviews.members_of(session, panel.id) if s.status == "declared"]


def require_declared(session: Session, instance_id: str, actor: Actor) -> None:
    """Expert work on an application needs a signed declaration and a seat not removed for conflict.

    Raises:
        Forbidden: the expert has not signed (or was replaced).
    """
    if actor.id not in seated_experts(session, instance_id):
        raise Forbidden(
            "请先签署无利益冲突声明，或您已因回避被替换 / "
            "Sign the no-conflict declaration first (or you were replaced for a conflict)"
        )
