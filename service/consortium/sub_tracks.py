"""The 细分赛道 (sub-tracks) under each "10+1" industry (guideline 一; issue 14, item 6).

The bureau's list is not public yet, so the table (migration 0012_subtracks) starts empty and an
administrator enters it; a sub-track is never deleted (applications name it), only deactivated. Once an
industry has active sub-tracks, an application in that industry names one of them at Task_Initiate
(the `${subTrackCheck}` complete listener the diagram declares).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forms.vocabulary import INDUSTRY_CHOICES
from workflows.extensions import DelegateContext

from ..actors import ADMIN, Actor
from ..context import Context
from ..engine.store import audit
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from .store.models import SubTrack


def describe(track: SubTrack) -> dict[str, Any]:
    """A JSON-safe view: code, industry (code and name), name, active, order."""
    zh, en = INDUSTRY_CHOICES.get(track.industry, (track.industry, track.industry))
    return {
        "code": track.code,
        "industry": track.industry,
        "industryName": f"{zh} / {en}",
        "name": track.name,
        "active": track.active,
        "sortOrder": track.sort_order,
    }


def list_sub_tracks(
    ctx: Context, *, industry: str | None = None, include_inactive: bool = False
) -> list[dict[str, Any]]:
    """The list in display order, optionally of one industry (active ones only unless `include_inactive`)."""
    with ctx.unit_of_work(write=False) as uow:
        return [describe(t) for t in _query(uow.session, industry, include_inactive)]


def add_sub_track(
    ctx: Context, *, actor: Actor, code: str, industry: str, name: str, sort_order: int = 0
) -> dict[str, Any]:
    """Add a sub-track under an industry.

    Raises Forbidden (not an administrator), InvalidInput (unknown industry, blank code or name),
    Conflict (the code is taken, or the industry has a sub-track of that name).
    """
    _admin_only(actor)
    code, name = code.strip(), name.strip()
    problems: dict[str, list[str]] = {}
    if industry not in INDUSTRY_CHOICES:
        problems["industry"] = ["须为“10+1”产业代码之一 / Must be one of the \"10+1\" industry codes"]
    if not code or len(code) > 16:
        problems["code"] = ["代码为 1–16 个字符 / The code has 1–16 characters"]
    if not name or len(name) > 100:
        problems["name"] = ["名称为 1–100 个字符 / The name has 1–100 characters"]
    if problems:
        raise InvalidInput("细分赛道信息有误 / Invalid sub-track", problems)
    with ctx.unit_of_work() as uow:
        session = uow.session
        if session.get(SubTrack, code) is not None:
            raise Conflict(f"代码已存在 / Sub-track code {code} exists")
        if any(t.name == name for t in _query(session, industry, True)):
            raise Conflict(f"该产业已有同名细分赛道 / The industry already has a sub-track named {name}")
        row = SubTrack(code=code, industry=industry, name=name, active=True, sort_order=sort_order)
        session.add(row)
        audit.record(session, actor=actor, action="sub_track.added", at=ctx.now(), detail=describe(row))
        uow.commit()
        return describe(row)


def update_sub_track(
    ctx: Context, *, actor: Actor, code: str, active: bool | None = None, sort_order: int | None = None
) -> dict[str, Any]:
    """Offer or withdraw a sub-track, or change its order. Raises Forbidden, NotFound."""
    _admin_only(actor)
    with ctx.unit_of_work() as uow:
        row = uow.session.get(SubTrack, code)
        if row is None:
            raise NotFound(f"细分赛道不存在 / No sub-track {code}")
        if active is not None:
            row.active = active
        if sort_order is not None:
            row.sort_order = sort_order
        audit.record(uow.session, actor=actor, action="sub_track.updated", at=ctx.now(), detail=describe(row))
        uow.commit()
        return describe(row)


def sub_track_check(context: DelegateContext) -> None:
    """`${subTrackCheck}` (task listener, complete): the sub-track belongs to the chosen industry and is
    offered; it is required once the industry has any active sub-track.

    Raises:
        InvalidInput: on field `sub_track`, naming the industry's sub-tracks.
    """
    task = context.task
    data = task.data if task is not None else context.variables
    industry, chosen = data.get("industry"), (data.get("sub_track") or "").strip()
    offered = _query(context.session, industry, False) if industry else []
    if not chosen and not offered:
        return
    if any(t.code == chosen for t in offered):
        return
    listed = "、".join(f"{t.code} {t.name}" for t in offered) or "（无 / none）"
    reason = "请选择所属产业下的细分赛道" if not chosen else f"细分赛道 {chosen} 不属于所选产业或已停用"
    english = "Choose a sub-track of the industry" if not chosen else (
        f"Sub-track {chosen} is not an offered sub-track of the chosen industry"
    )
    raise InvalidInput(
        f"{reason} / {english}", {"sub_track": [f"{reason}：{listed} / {english}: {listed}"]}
    )


def _query(session: Session, industry: str | None, include_inactive: bool) -> list[SubTrack]:
    query = sa.select(SubTrack).order_by(SubTrack.industry, SubTrack.sort_order, SubTrack.code)
    if industry is not None:
        query = query.where(SubTrack.industry == industry)
    if not include_inactive:
        query = query.where(SubTrack.active.is_(True))
    return list(session.scalars(query))


def _admin_only(actor: Actor) -> None:
    if not actor.has(ADMIN):
        raise Forbidden("只有系统管理员可以维护细分赛道 / Only an administrator edits the sub-tracks")
