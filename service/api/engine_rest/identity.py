"""Camunda's identity service over REST (issue 15 item 2): `/user`, `/group`, `/group/{id}/members/
{userId}`, `/identity/groups`, shaped as Camunda 7.21's UserProfileDto, GroupDto and
GroupInfoDto. Writes are for administrators (403 otherwise); reading follows service/engine/groups.py
(administrators and process owners read everything, anyone else themselves and their own groups).
Passwords are hashed with Argon2 like every other user's; no route ever returns one."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from ...engine import groups, identities
from ..auth import context
from ..credentials import CredentialCache
from .blueprint import actor, bp
from .errors import BadRequest
from .params import Params, json_body, query_params
from .strict import check_fields, text

USER_FILTERS = ("id", "idIn", "firstName", "lastName", "email", "memberOfGroup")
USER_SORTS = {"userId": lambda u: u.id, "firstName": lambda u: u.first_name or "",
              "lastName": lambda u: u.last_name or "", "email": lambda u: u.email or ""}
GROUP_FILTERS = ("id", "idIn", "name", "nameLike", "type", "member")
GROUP_SORTS = {"id": lambda g: g.id, "name": lambda g: g.name, "type": lambda g: g.type or ""}


def _forget_credentials() -> None:
    """Memberships changed: Basic logins re-read their groups on the next request."""
    cache = current_app.extensions.get("consortium.credentials")
    if isinstance(cache, CredentialCache):
        cache.clear()


def profile_dto(user: groups.UserView) -> dict[str, Any]:
    return {"id": user.id, "firstName": user.first_name, "lastName": user.last_name, "email": user.email}


def group_dto(group: groups.GroupView) -> dict[str, Any]:
    return {"id": group.id, "name": group.name, "type": group.type}


# --- users -------------------------------------------------------------------------------------------


def _users(params: Params) -> list[groups.UserView]:
    ids = params.texts("idIn") if params.values.get("idIn") not in (None, "") else None
    return groups.list_users(
        context(), actor=actor(), user_id=params.text("id"), ids=ids, first_name=params.text("firstName"),
        last_name=params.text("lastName"), email=params.text("email"),
        member_of_group=params.text("memberOfGroup"),
    )


@bp.get("/user")
def list_users():
    params = query_params(USER_FILTERS)
    first, limit = params.paging()
    sort_by, desc = params.sorting(USER_SORTS, "userId")
    rows = sorted(_users(params), key=USER_SORTS[sort_by], reverse=desc)
    return jsonify([profile_dto(u) for u in rows[first: first + limit]])


@bp.get("/user/count")
def count_users():
    return jsonify(count=len(_users(query_params(USER_FILTERS))))


@bp.get("/user/<user_id>/profile")
def user_profile(user_id: str):
    return jsonify(profile_dto(groups.get_user(context(), actor=actor(), user_id=user_id)))


@bp.post("/user/create")
def create_user():
    """Camunda's UserDto: {"profile": {id, firstName, lastName, email}, "credentials": {password}}."""
    body = json_body()
    check_fields(body, ("profile", "credentials"), "UserDto")
    profile, credentials = body.get("profile") or {}, body.get("credentials") or {}
    if not isinstance(profile, dict) or not isinstance(credentials, dict):
        raise BadRequest("'profile' and 'credentials' must be JSON objects")
    check_fields(profile, ("id", "firstName", "lastName", "email"), "UserProfileDto", "profile")
    check_fields(credentials, ("password", "authenticatedUserPassword"), "UserCredentialsDto", "credentials")
    user_id = text(profile, "id", required=True, where="profile")
    password = text(credentials, "password", required=True, where="credentials")
    first, last = text(profile, "firstName", where="profile"), text(profile, "lastName", where="profile")
    email = text(profile, "email", where="profile")
    for name, value, most in (("firstName", first, 100), ("lastName", last, 100), ("email", email, 200)):
        if value is not None and len(value) > most:
            raise BadRequest(f"'profile.{name}' is longer than {most} characters")
    identities.add_user(
        context(), user_id=user_id or "", password=password or "", groups=[], first_name=first,
        last_name=last, email=email, actor=actor(),
    )
    return "", 204


@bp.delete("/user/<user_id>")
def delete_user(user_id: str):
    groups.delete_user(context(), actor=actor(), user_id=user_id)
    _forget_credentials()
    return "", 204


# --- groups ------------------------------------------------------------------------------------------


def _groups(params: Params) -> list[groups.GroupView]:
    ids = params.texts("idIn") if params.values.get("idIn") not in (None, "") else None
    return groups.list_groups(
        context(), actor=actor(), group_id=params.text("id"), ids=ids, name=params.text("name"),
        name_like=params.text("nameLike"), type_=params.text("type"), member=params.text("member"),
    )


def _group_list(params: Params):
    first, limit = params.paging()
    sort_by, desc = params.sorting(GROUP_SORTS, "id")
    rows = sorted(_groups(params), key=GROUP_SORTS[sort_by], reverse=desc)
    return jsonify([group_dto(g) for g in rows[first: first + limit]])


@bp.get("/group")
def list_groups():
    return _group_list(query_params(GROUP_FILTERS))


@bp.post("/group")
def query_groups():
    return _group_list(query_params(GROUP_FILTERS, with_body=True))


@bp.get("/group/count")
def count_groups():
    return jsonify(count=len(_groups(query_params(GROUP_FILTERS))))


@bp.post("/group/count")
def count_groups_post():
    return jsonify(count=len(_groups(query_params(GROUP_FILTERS, with_body=True))))


@bp.post("/group/create")
def create_group():
    """Camunda's GroupDto {id, name, type}; 204 No Content."""
    body = json_body()
    check_fields(body, ("id", "name", "type"), "GroupDto")
    groups.create_group(
        context(), actor=actor(), group_id=text(body, "id", required=True) or "",
        name=text(body, "name"), type_=text(body, "type"),
    )
    return "", 204


@bp.get("/group/<group_id>")
def get_group(group_id: str):
    return jsonify(group_dto(groups.get_group(context(), actor=actor(), group_id=group_id)))


@bp.put("/group/<group_id>/members/<member>")
def add_member(group_id: str, member: str):
    groups.add_member(context(), actor=actor(), group_id=group_id, user_id=member)
    _forget_credentials()
    return "", 204


@bp.delete("/group/<group_id>/members/<member>")
def remove_member(group_id: str, member: str):
    groups.remove_member(context(), actor=actor(), group_id=group_id, user_id=member)
    _forget_credentials()
    return "", 204


@bp.get("/identity/groups")
def identity_groups():
    """Camunda's GroupInfoDto: {"groups": [{id, name}], "groupUsers": [{id, firstName, lastName,
    displayName}]}; `userId` is required."""
    user_id = query_params(("userId",)).text("userId")
    if user_id is None:
        raise BadRequest("No user id was supplied ('userId' is required)")
    found, users = groups.identity_groups(context(), actor=actor(), user_id=user_id)
    return jsonify(
        groups=[{"id": g.id, "name": g.name} for g in found],
        groupUsers=[{"id": u.id, "firstName": u.first_name, "lastName": u.last_name,
                     "displayName": u.display_name} for u in users],
    )
