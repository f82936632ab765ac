"""The 区（市、功能区） of Qingdao as a list (issue 14, item 5): read by everyone, edited by administrators.

Clerks (`engine.identities.add_user`) and organisations (`organisations.register_organisation`) pick
from it, so a typo such as "火星区" is refused instead of routing a district review to nobody. The list
is seeded by migration 0009_rules; a district is never deleted (users and records name it), only
deactivated.
"""

from __future__ import annotations

from typing import Any

from ..actors import ADMIN, Actor
from ..context import Context
from ..engine.store import audit
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from .store import consortia
from .store.models import District

KINDS = {
    "district": ("区", "District"),
    "county_city": ("县级市", "County-level city"),
    "function_zone": ("功能区", "Function zone"),
}


def describe(district: District) -> dict[str, Any]:
    """A JSON-safe view: code, name, kind (with its label), other names, active, order."""
    return {
        "code": district.code,
        "name": district.name,
        "kind": district.kind,
        "kindName": " / ".join(KINDS.get(district.kind, (district.kind, district.kind))),
        "aliases": [a for a in (district.aliases or "").split(",") if a],
        "active": district.active,
        "sortOrder": district.sort_order,
    }


def list_districts(ctx: Context, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    """The list in display order (active ones only unless `include_inactive`)."""
    with ctx.unit_of_work(write=False) as uow:
        rows = consortia.list_districts(uow.session, include_inactive=include_inactive)
        return [describe(d) for d in rows]


def _admin_only(actor: Actor) -> None:
    if not actor.has(ADMIN):
        raise Forbidden(
            "只有系统管理员可以维护区（市、功能区）列表 / Only an administrator edits the district list"
        )


def _check(code: str, name: str, kind: str, aliases: list[str]) -> None:
    problems: dict[str, list[str]] = {}
    if not code.strip() or len(code.strip()) > 16:
        problems["code"] = ["代码为 1–16 个字符 / The code has 1–16 characters"]
    if not name.strip() or len(name.strip()) > 64:
        problems["name"] = ["名称为 1–64 个字符 / The name has 1–64 characters"]
    if kind not in KINDS:
        problems["kind"] = [f"类型须为 {', '.join(KINDS)} 之一 / The kind must be one of {', '.join(KINDS)}"]
    if any("," in a or not a.strip() for a in aliases) or len(",".join(aliases)) > 200:
        problems["aliases"] = [
            "别名不能为空、不能含逗号，合计不超过200字 / Aliases: non-blank, no commas, ≤200 characters"
        ]
    if problems:
        raise InvalidInput("区（市、功能区）信息有误 / Invalid district", problems)


def add_district(
    ctx: Context,
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    aliases: list[str] | None = None,
    sort_order: int = 0,
) -> dict[str, Any]:
    """Add a district (e.g. a new function zone). Raises Forbidden (not an administrator), InvalidInput
    (bad field), Conflict (the code, name or an alias is taken)."""
    _admin_only(actor)
    aliases = [a.strip() for a in aliases or []]
    _check(code, name, kind, aliases)
    with ctx.unit_of_work() as uow:
        session = uow.session
        if session.get(District, code.strip()) is not None:
            raise Conflict(f"代码已存在 / District code {code} exists")
        taken = [n for n in [name, *aliases] if consortia.resolve_district(session, n) is not None]
        if taken:
            raise Conflict(f"名称已被使用 / Already a district name: {', '.join(taken)}")
        row = District(
            code=code.strip(),
            name=name.strip(),
            kind=kind,
            aliases=",".join(aliases) or None,
            active=True,
            sort_order=sort_order,
        )
        session.add(row)
        audit.record(session, actor=actor, action="district.added", at=ctx.now(), detail=describe(row))
        uow.commit()
        return describe(row)


def update_district(
    ctx: Context,
    *,
    actor: Actor,
    code: str,
    aliases: list[str] | None = None,
    active: bool | None = None,
    sort_order: int | None = None,
) -> dict[str, Any]:
    """Change a district's other names, order or whether it is offered. Its name stays: users and records
    store it. Raises Forbidden, NotFound, InvalidInput, Conflict (an alias names another district)."""
    _admin_only(actor)
    with ctx.unit_of_work() as uow:
        session = uow.session
        row = session.get(District, code)
        if row is None:
            raise NotFound(f"区（市、功能区）不存在 / No district {code}")
        if aliases is not None:
            aliases = [a.strip() for a in aliases]
            _check(row.code, row.name, row.kind, aliases)
            clash = [
                a for a in aliases if (found := consortia.resolve_district(session, a)) and found.code != code
            ]
            if clash:
                raise Conflict(f"别名已被其他区使用 / Names another district: {', '.join(clash)}")
            row.aliases = ",".join(aliases) or None
        if active is not None:
            row.active = active
        if sort_order is not None:
            row.sort_order = sort_order
        audit.record(session, actor=actor, action="district.updated", at=ctx.now(), detail=describe(row))
        uow.commit()
        return describe(row)
