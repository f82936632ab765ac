"""Use cases on users: create them, check a password, turn a login into an Actor."""

from __future__ import annotations

from ..actors import ROLES, Actor
from ..context import Context
from ..errors import InvalidInput
from .store import audit, identities


def add_user(
    ctx: Context,
    *,
    user_id: str,
    password: str,
    groups: list[str],
    display_name: str | None = None,
    org_credit_code: str | None = None,
    district: str | None = None,
    email: str | None = None,
    actor: Actor | None = None,
) -> None:
    """Create a user; refuses unknown roles, short passwords, an organisation a registered
    `organisation_checks` hook refuses (the consortium domain: one nobody registered) and a district a
    `district_checks` hook refuses (the domain's 区（市、功能区） list; stored under its listed name)."""
    problems: dict[str, list[str]] = {}
    unknown = [g for g in groups if g not in ROLES]
    if not groups or unknown:
        problems["group"] = [
            f"未知角色 / Unknown role(s): {', '.join(unknown) or '(none)'}; known: {', '.join(ROLES)}"
        ]
    if len(password) < 8:
        problems["password"] = ["密码至少 8 位 / The password needs at least 8 characters"]
    with ctx.unit_of_work() as uow:
        if identities.find_user(uow.session, user_id) is not None:
            problems["name"] = [f"用户已存在 / User {user_id} already exists"]
        if org_credit_code:  # the domain's register decides which organisations exist (Extensions)
            for check in ctx.extensions.organisation_checks:
                problem = check(uow.session, org_credit_code)
                if problem:
                    problems["org"] = [problem]
                    break
        if "district_clerk" in groups and not district:
            problems["district"] = ["区级用户必须指定所属区 / A district clerk needs a district"]
        elif district:  # the domain's district list decides (Extensions.district_checks)
            for district_check in ctx.extensions.district_checks:
                listed, problem = district_check(uow.session, district)
                if problem:
                    problems["district"] = [problem]
                    break
                district = listed or district
        if problems:
            raise InvalidInput("用户信息有误 / Invalid user", problems)
        identities.add_user(
            uow.session,
            user_id=user_id,
            display_name=display_name or user_id,
            password=password,
            groups=groups,
            org_credit_code=org_credit_code,
            district=district,
            email=email,
        )
        audit.record(
            uow.session,
            actor=actor,
            action="user.created",
            at=ctx.now(),
            detail={"user": user_id, "groups": groups, "org": org_credit_code, "district": district},
        )
        uow.commit()


def authenticate(ctx: Context, *, user_id: str, password: str) -> Actor | None:
    with ctx.unit_of_work(write=False) as uow:
        user = identities.verify(uow.session, user_id, password)
        return identities.actor_of(user) if user else None


def actor_for(ctx: Context, user_id: str) -> Actor | None:
    """The Actor of a logged-in user (session cookie), None if the user was removed or deactivated."""
    with ctx.unit_of_work(write=False) as uow:
        user = identities.find_user(uow.session, user_id)
        return identities.actor_of(user) if user and user.active else None
