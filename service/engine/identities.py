"""Use cases on users: create them, check a password, turn a login into an Actor."""

from __future__ import annotations

import re

from ..actors import ADMIN, DISTRICT_CLERK, Actor
from ..context import Context
from ..errors import Forbidden, InvalidInput
from .store import audit, identities

GROUP_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
"""A group id: what a diagram's candidateGroups can name and user_group.group_id can hold (40)."""
USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}")
"""A login name (app_user.id holds 64)."""


def require_admin(actor: Actor | None) -> None:
    """Only administrators change users, groups and memberships (Camunda: the `camunda-admin` group);
    `actor=None` is the product itself (seeding, the CLI acting as SYSTEM). Raises Forbidden."""
    if actor is not None and not actor.has(ADMIN):
        raise Forbidden("只有系统管理员可以管理用户和组 / Only administrators manage users and groups")


MIN_PASSWORD, MAX_PASSWORD = 8, 128
"""Characters of a password: at least 8 (NIST SP 800-63B); at most 128, so hashing one stays cheap."""

def password_problem(user_id: str, password: str | None) -> str | None:
    """Why `password` may not be set for `user_id` (bilingual), None when it may: too short, too long
    or the user id itself."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 位 / The password needs at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"密码最多 {MAX_PASSWORD} 位 / The password may have at most {MAX_PASSWORD} characters"
    if password.casefold() == (user_id or "").casefold():
        return "密码不能与用户名相同 / The password must not be the user id"
    return None


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
    first_name: str | None = None,
    last_name: str | None = None,
    create_missing_groups: bool = False,
    actor: Actor | None = None,
) -> list[str]:
    """Create a user in `groups` (any group of app_group, the seven roles included; none is allowed,
    as in Camunda). Returns the groups it created: with `create_missing_groups` (the CLI's
    `user add --group accounting`) a group nobody made yet is created, named as its id; without it an
    unknown group is refused. Refuses malformed ids, short passwords, an organisation a registered
    `organisation_checks` hook refuses (the consortium domain: one nobody registered) and a district a
    `district_checks` hook refuses (the domain's 区（市、功能区） list; stored under its listed name);
    InvalidInput names every field at once. Forbidden unless `actor` is an administrator (or None)."""
    require_admin(actor)
    problems: dict[str, list[str]] = {}
    groups = list(dict.fromkeys(groups))
    malformed = [g for g in groups if not GROUP_ID.fullmatch(g)]
    if malformed:
        problems["group"] = [f"组名不合法 / Malformed group id(s): {', '.join(malformed)} "
                             "(letters, digits, _ . -; at most 40)"]
    if not USER_ID.fullmatch(user_id or ""):
        problems["name"] = ["用户名不合法 / Malformed user id (letters, digits, _ . @ -; at most 64)"]
    problem = password_problem(user_id, password)
    if problem:
        problems["password"] = [problem]
    created: list[str] = []
    with ctx.unit_of_work() as uow:
        if "name" not in problems and identities.find_user(uow.session, user_id) is not None:
            problems["name"] = [f"用户已存在 / User {user_id} already exists"]
        elif "name" not in problems and (twin := identities.user_named_alike(uow.session, user_id)):
            problems["name"] = [f"已有仅大小写不同的用户 {twin} / User {twin} differs only in case"]
        missing = [g for g in groups if g not in malformed
                   and g not in identities.existing_groups(uow.session, set(groups))]
        if missing and not create_missing_groups:
            problems["group"] = [f"组不存在 / Unknown group(s): {', '.join(missing)}"]
        if org_credit_code:  # the domain's register decides which organisations exist (Extensions)
            for check in ctx.extensions.organisation_checks:
                problem = check(uow.session, org_credit_code)
                if problem:
                    problems["org"] = [problem]
                    break
        if DISTRICT_CLERK in groups and not district:
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
        for group_id in missing:
            identities.add_group(uow.session, group_id=group_id, name=group_id, type_="WORKFLOW")
            created.append(group_id)
        uow.session.flush()
        named = " ".join(n for n in (first_name, last_name) if n)
        identities.add_user(
            uow.session,
            user_id=user_id,
            display_name=display_name or named or user_id,
            first_name=first_name,
            last_name=last_name,
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
            detail={"user": user_id, "groups": groups, "org": org_credit_code, "district": district,
                    "createdGroups": created},
        )
        uow.commit()
    return created


def authenticate(ctx: Context, *, user_id: str, password: str) -> Actor | None:
    with ctx.unit_of_work(write=False) as uow:
        user = identities.verify(uow.session, user_id, password)
        return identities.actor_of(user) if user else None


def display_names(ctx: Context, user_ids) -> dict[str, str]:
    """{user id: display name} for the given ids (None and unknown ids left out), for pages that name
    the people a task passed between (delegation banners, the inbox) rather than their login names."""
    with ctx.unit_of_work(write=False) as uow:
        return identities.display_names(uow.session, user_ids)


def actor_for(ctx: Context, user_id: str) -> Actor | None:
    """The Actor of a logged-in user (session cookie), None if the user was removed or deactivated."""
    with ctx.unit_of_work(write=False) as uow:
        user = identities.find_user(uow.session, user_id)
        return identities.actor_of(user) if user and user.active else None
