"""Users, their groups and the organisation they act for; passwords hashed with Argon2 (slow on purpose)."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from ...actors import Actor
from ...errors import NotFound
from .models import Group, User, UserGroup

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_user(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def get_user(session: Session, user_id: str) -> User:
    user = find_user(session, user_id)
    if user is None:
        raise NotFound(f"用户不存在 / User {user_id} does not exist")
    return user


def verify(session: Session, user_id: str, password: str) -> User | None:
    """The active user if the password matches, else None (same answer for unknown users)."""
    user = find_user(session, user_id)
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time, so unknown names are not revealed by timing
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def actor_of(user: User) -> Actor:
    return Actor(
        id=user.id,
        groups=frozenset(g.group_id for g in user.groups),
        org_credit_code=user.org_credit_code,
        district=user.district,
    )


def add_user(
    session: Session,
    *,
    user_id: str,
    display_name: str,
    password: str,
    groups: list[str],
    org_credit_code: str | None = None,
    district: str | None = None,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    user = User(
        id=user_id,
        display_name=display_name,
        first_name=first_name,
        last_name=last_name,
        password_hash=hash_password(password),
        org_credit_code=org_credit_code,
        district=district,
        email=email,
        active=True,
    )
    user.groups = [UserGroup(group_id=g) for g in dict.fromkeys(groups)]
    session.add(user)
    return user


def list_users(session: Session, *, group: str | None = None) -> list[User]:
    query = sa.select(User).order_by(User.id)
    if group:
        query = query.where(User.groups.any(UserGroup.group_id == group))
    return list(session.scalars(query))


def display_names(session: Session, user_ids) -> dict[str, str]:
    """{user id: display name} of those of `user_ids` that exist (the id when the name is empty)."""
    wanted = sorted({u for u in user_ids if u})
    if not wanted:
        return {}
    rows = session.execute(sa.select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name or user_id for user_id, name in rows}


# --- groups and memberships (issue 15 item 2) ---------------------------------------------------------


def find_group(session: Session, group_id: str) -> Group | None:
    return session.get(Group, group_id)


def user_named_alike(session: Session, user_id: str) -> str | None:
    """The id of a user whose id equals `user_id` but for letter case, None if there is none."""
    return session.scalars(
        sa.select(User.id).where(sa.func.lower(User.id) == user_id.lower(), User.id != user_id)
    ).first()


def group_named_alike(session: Session, group_id: str) -> str | None:
    """The id of a group whose id equals `group_id` but for letter case, None if there is none."""
    return session.scalars(
        sa.select(Group.id).where(sa.func.lower(Group.id) == group_id.lower(), Group.id != group_id)
    ).first()


def existing_groups(session: Session, group_ids: list[str] | set[str]) -> set[str]:
    """Which of `group_ids` are rows of app_group."""
    if not group_ids:
        return set()
    return set(session.scalars(sa.select(Group.id).where(Group.id.in_(list(group_ids)))))


def add_group(session: Session, *, group_id: str, name: str, type_: str | None) -> Group:
    group = Group(id=group_id, name=name, type=type_, scope=None)
    session.add(group)
    return group


def list_groups(
    session: Session,
    *,
    group_id: str | None = None,
    ids: list[str] | None = None,
    name: str | None = None,
    name_like: str | None = None,
    type_: str | None = None,
    member: str | None = None,
) -> list[Group]:
    """Groups by Camunda's filters (`id`, `idIn`, `name`, `nameLike` with `%`, `type`, `member`)."""
    query = sa.select(Group).order_by(Group.id)
    if group_id is not None:
        query = query.where(Group.id == group_id)
    if ids is not None:
        query = query.where(Group.id.in_(ids))
    if name is not None:
        query = query.where(Group.name == name)
    if name_like is not None:
        query = query.where(Group.name.like(name_like))
    if type_ is not None:
        query = query.where(Group.type == type_)
    if member is not None:
        query = query.where(
            Group.id.in_(sa.select(UserGroup.group_id).where(UserGroup.user_id == member))
        )
    return list(session.scalars(query))


def members_of(session: Session, group_ids: set[str]) -> list[User]:
    """Users who belong to any of `group_ids`, by id."""
    if not group_ids:
        return []
    query = sa.select(User).where(User.groups.any(UserGroup.group_id.in_(group_ids))).order_by(User.id)
    return list(session.scalars(query))
