"""Users, their groups and the organisation they act for; passwords hashed with Argon2 (slow on purpose)."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from ...actors import Actor
from ...errors import NotFound
from .models import User, UserGroup

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
) -> User:
    user = User(
        id=user_id,
        display_name=display_name,
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
