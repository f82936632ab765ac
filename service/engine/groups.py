"""Use cases on groups and memberships, and the reading of users for Camunda's identity service.

Groups are rows of `app_group` (issue 15 item 2): the domain's seven roles are seeded groups whose
`scope` names the member attribute that narrows what they are offered (store/models.py `Group`); any
other group works as in Camunda: a diagram's `candidateGroups` offers tasks to its members.

Who may do what (Camunda's authorizations, reduced to this back office's roles):
- write (create a group, add or remove a member, delete a user): administrators only, else Forbidden;
- read every user and group: administrators and process owners (they name groups in diagrams);
  anyone else reads only themselves and their own groups: the rest "does not exist" for them (NotFound).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ..actors import ADMIN, DISTRICT_CLERK, PROCESS_OWNER, Actor
from ..context import Context
from ..errors import Conflict, InvalidInput, NotFound
from .identities import GROUP_ID, require_admin
from .store import audit, identities
from .store.models import Group, User, UserGroup

USER_MISSING = "用户不存在 / User {id} does not exist"
GROUP_MISSING = "组不存在 / Group {id} does not exist"
LAST_ADMIN = ("不能移除最后一名系统管理员 / The last administrator cannot leave the admin group: add another "
              "administrator first (otherwise only the command line could manage users again)")


@dataclass(frozen=True)
class GroupView:
    id: str
    name: str
    type: str | None
    scope: str | None


@dataclass(frozen=True)
class UserView:
    id: str
    first_name: str | None
    last_name: str | None
    display_name: str
    email: str | None
    groups: tuple[str, ...]
    organisation: str | None
    district: str | None
    active: bool


def _sees_all(actor: Actor) -> bool:
    return actor.has(ADMIN, PROCESS_OWNER)


def _group_view(row: Group) -> GroupView:
    return GroupView(id=row.id, name=row.name, type=row.type, scope=row.scope)


def _user_view(row: User) -> UserView:
    return UserView(
        id=row.id, first_name=row.first_name if row.first_name is not None else row.display_name,
        last_name=row.last_name, display_name=row.display_name, email=row.email,
        groups=tuple(sorted(g.group_id for g in row.groups)), organisation=row.org_credit_code,
        district=row.district, active=row.active,
    )


def create_group(ctx: Context, *, actor: Actor, group_id: str, name: str | None = None,
                 type_: str | None = None) -> GroupView:
    """Create group `group_id` (Camunda `POST /group/create`); name defaults to the id. InvalidInput
    for a malformed id or over-long name/type, Conflict if it exists, Forbidden for non-admins."""
    require_admin(actor)
    problems: dict[str, list[str]] = {}
    if not isinstance(group_id, str) or not GROUP_ID.fullmatch(group_id):
        problems["id"] = ["组名不合法 / Malformed group id (letters, digits, _ . -; at most 40)"]
    if name is not None and (not isinstance(name, str) or len(name) > 100):
        problems["name"] = ["组名称最长 100 字 / The name is text of at most 100 characters"]
    if type_ is not None and (not isinstance(type_, str) or len(type_) > 40):
        problems["type"] = ["类型最长 40 字 / The type is text of at most 40 characters"]
    if problems:
        raise InvalidInput("组信息有误 / Invalid group", problems)
    with ctx.unit_of_work() as uow:
        if identities.find_group(uow.session, group_id) is not None:
            raise Conflict(f"组已存在 / Group {group_id} already exists")
        twin = identities.group_named_alike(uow.session, group_id)
        if twin is not None:  # "Admin" beside "admin" would grant nothing and confuse every list
            raise Conflict(f"已有仅大小写不同的组 {twin} / Group {twin} differs only in case: use it")
        row = identities.add_group(uow.session, group_id=group_id, name=name or group_id, type_=type_)
        audit.record(uow.session, actor=actor, action="group.created", at=ctx.now(),
                     detail={"group": group_id, "name": row.name, "type": type_})
        view = _group_view(row)
        uow.commit()
        return view


def list_groups(ctx: Context, *, actor: Actor, **filters) -> list[GroupView]:
    """Groups matching Camunda's filters (store.identities.list_groups); a caller who is neither an
    administrator nor a process owner sees only their own groups."""
    if not _sees_all(actor):
        filters = {**filters}
        own = set(actor.groups)
        filters["ids"] = sorted(own & set(filters["ids"])) if filters.get("ids") is not None else sorted(own)
    with ctx.unit_of_work(write=False) as uow:
        return [_group_view(g) for g in identities.list_groups(uow.session, **filters)]


def get_group(ctx: Context, *, actor: Actor, group_id: str) -> GroupView:
    """One group; NotFound if it does not exist or the caller may not see it."""
    if not _sees_all(actor) and group_id not in actor.groups:
        raise NotFound(GROUP_MISSING.format(id=group_id))
    with ctx.unit_of_work(write=False) as uow:
        row = identities.find_group(uow.session, group_id)
        if row is None:
            raise NotFound(GROUP_MISSING.format(id=group_id))
        return _group_view(row)


def add_member(ctx: Context, *, actor: Actor, group_id: str, user_id: str) -> bool:
    """Put `user_id` into `group_id` (Camunda `PUT /group/{id}/members/{userId}`); True if it was not
    a member yet. NotFound for an unknown user or group; InvalidInput when the group is scoped
    (app_group.scope) to a district or an organisation and the user has none (a district clerk without
    a district, a lead unit's user without an organisation would see nothing of their scope)."""
    require_admin(actor)
    with ctx.unit_of_work() as uow:
        user = identities.find_user(uow.session, user_id)
        group = identities.find_group(uow.session, group_id)
        if user is None:
            raise NotFound(USER_MISSING.format(id=user_id))
        if group is None:
            raise NotFound(GROUP_MISSING.format(id=group_id))
        if any(m.group_id == group_id for m in user.groups):
            return False
        if (group.scope == "district" or group_id == DISTRICT_CLERK) and not user.district:
            raise InvalidInput("用户信息有误 / Invalid membership", {
                "district": [f"{group_id} 的成员必须有所属区 / A member of {group_id} needs a district"]})
        if group.scope == "organisation" and not user.org_credit_code:
            raise InvalidInput("用户信息有误 / Invalid membership", {"organisation": [
                f"{group_id} 的成员必须属于某个单位 / A member of {group_id} acts for an organisation: "
                "create the user with one (`consortium user add --org`)"]})
        user.groups.append(UserGroup(group_id=group_id))
        audit.record(uow.session, actor=actor, action="group.member_added", at=ctx.now(),
                     detail={"group": group_id, "user": user_id})
        uow.commit()
        return True


def remove_member(ctx: Context, *, actor: Actor, group_id: str, user_id: str) -> None:
    """Take `user_id` out of `group_id`; NotFound for an unknown user or group. Not a member: nothing."""
    require_admin(actor)
    with ctx.unit_of_work() as uow:
        user = identities.find_user(uow.session, user_id)
        if user is None:
            raise NotFound(USER_MISSING.format(id=user_id))
        if identities.find_group(uow.session, group_id) is None:
            raise NotFound(GROUP_MISSING.format(id=group_id))
        kept = [m for m in user.groups if m.group_id != group_id]
        if len(kept) != len(user.groups):
            if group_id == ADMIN and _active_admins(uow.session) == [user_id]:
                raise Conflict(LAST_ADMIN)
            user.groups = kept
            audit.record(uow.session, actor=actor, action="group.member_removed", at=ctx.now(),
                         detail={"group": group_id, "user": user_id})
        uow.commit()


def list_users(ctx: Context, *, actor: Actor, user_id: str | None = None, ids: list[str] | None = None,
               first_name: str | None = None, last_name: str | None = None, email: str | None = None,
               member_of_group: str | None = None) -> list[UserView]:
    """Users matching Camunda's filters; a caller who is neither an administrator nor a process owner
    sees only themselves."""
    with ctx.unit_of_work(write=False) as uow:
        rows = identities.list_users(uow.session, group=member_of_group)
    out = []
    for row in rows:
        view = _user_view(row)
        if not _sees_all(actor) and row.id != actor.id:
            continue
        if user_id is not None and row.id != user_id:
            continue
        if ids is not None and row.id not in ids:
            continue
        if first_name is not None and view.first_name != first_name:
            continue
        if last_name is not None and view.last_name != last_name:
            continue
        if email is not None and row.email != email:
            continue
        out.append(view)
    return out


def get_user(ctx: Context, *, actor: Actor, user_id: str) -> UserView:
    """One user's profile; NotFound if unknown or not visible to the caller."""
    if not _sees_all(actor) and user_id != actor.id:
        raise NotFound(USER_MISSING.format(id=user_id))
    with ctx.unit_of_work(write=False) as uow:
        row = identities.find_user(uow.session, user_id)
        if row is None:
            raise NotFound(USER_MISSING.format(id=user_id))
        return _user_view(row)


def delete_user(ctx: Context, *, actor: Actor, user_id: str) -> None:
    """Delete a user and their memberships (Camunda `DELETE /user/{id}`). NotFound if unknown; Conflict
    when other records still point at the user (an expert pool entry): deactivate instead. An
    administrator cannot delete themselves (the last way in)."""
    require_admin(actor)
    if user_id == actor.id:
        raise Conflict("不能删除自己 / You cannot delete your own user")
    with ctx.unit_of_work() as uow:
        row = identities.find_user(uow.session, user_id)
        if row is None:
            raise NotFound(USER_MISSING.format(id=user_id))
        if _active_admins(uow.session) == [user_id]:
            raise Conflict(LAST_ADMIN)
        uow.session.delete(row)
        try:
            uow.session.flush()
        except IntegrityError as exc:
            raise Conflict(f"用户 {user_id} 仍被其他记录引用 / User {user_id} is still referenced by other "
                           "records; deactivate it instead") from exc
        audit.record(uow.session, actor=actor, action="user.deleted", at=ctx.now(), detail={"user": user_id})
        uow.commit()


def set_user_active(ctx: Context, *, actor: Actor, user_id: str, active: bool) -> None:
    """Deactivate a user (they can no longer sign in or call the APIs; their records and history stay,
    which deleting would not allow) or activate them again. Administrators only (Forbidden); NotFound for
    an unknown user; Conflict for deactivating oneself or the last active administrator. Audited."""
    require_admin(actor)
    if not active and user_id == actor.id:
        raise Conflict("不能停用自己 / You cannot deactivate your own user")
    with ctx.unit_of_work() as uow:
        row = identities.find_user(uow.session, user_id)
        if row is None:
            raise NotFound(USER_MISSING.format(id=user_id))
        if row.active == active:
            return
        if not active and _active_admins(uow.session) == [user_id]:
            raise Conflict(LAST_ADMIN)
        row.active = active
        audit.record(uow.session, actor=actor, action="user.activated" if active else "user.deactivated",
                     at=ctx.now(), detail={"user": user_id})
        uow.commit()


def _active_admins(session) -> list[str]:
    return [u.id for u in identities.members_of(session, {ADMIN}) if u.active]


def identity_groups(ctx: Context, *, actor: Actor, user_id: str) -> tuple[list[GroupView], list[UserView]]:
    """Camunda `GET /identity/groups?userId=`: the user's groups and the users who share one of them.
    Callers other than administrators and process owners may ask only about themselves, and get only
    themselves among the users (fellow members of `applicant` work for other organisations)."""
    if not _sees_all(actor) and user_id != actor.id:
        raise NotFound(USER_MISSING.format(id=user_id))
    with ctx.unit_of_work(write=False) as uow:
        row = identities.find_user(uow.session, user_id)
        if row is None:
            raise NotFound(USER_MISSING.format(id=user_id))
        groups = identities.list_groups(uow.session, member=user_id)
        if _sees_all(actor):
            users = identities.members_of(uow.session, {g.id for g in groups})
        else:
            users = [row] if groups else []
        return [_group_view(g) for g in groups], [_user_view(u) for u in users]
