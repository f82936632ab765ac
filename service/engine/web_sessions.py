"""Server-side sign-in sessions: the signed cookie alone no longer proves a sign-in.

Each sign-in draws a random token (kept in the signed session cookie) and stores its SHA-256 with the
user; every request checks that the row exists, belongs to the cookie's user and is not revoked.
Signing out revokes the row, so a copy of the old cookie (stolen, or kept by a shared PC's browser)
stops working at once, in every process.

Times are wall-clock (like the cookie's `since`, which SESSION_LIFETIME is measured from), not the
service clock that tests and demos move: moving the procedure's clock must not sign anybody out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..context import Context
from .store.websec_models import WebSession


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(ctx: Context, *, user_id: str, lifetime: timedelta) -> str:
    """Record a new sign-in of `user_id`; returns the token the cookie carries.

    Sessions older than `lifetime` are deleted on the way (they are refused anyway).
    """
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with ctx.unit_of_work() as uow:
        uow.session.execute(sa.delete(WebSession).where(WebSession.created_at < now - lifetime))
        uow.session.add(WebSession(id=_id(token), user_id=user_id, created_at=now))
        uow.commit()
    return token


def is_live(ctx: Context, *, user_id: str, token: str | None) -> bool:
    """Whether `token` is an unrevoked sign-in of `user_id`."""
    if not token:
        return False
    with ctx.unit_of_work(write=False) as uow:
        found = uow.session.scalar(
            sa.select(WebSession.id).where(
                WebSession.id == _id(token), WebSession.user_id == user_id, WebSession.revoked_at.is_(None)
            )
        )
    return found is not None


def revoke(ctx: Context, *, token: str | None) -> None:
    """End the sign-in `token` (nothing happens for an unknown or already revoked token)."""
    if not token:
        return
    with ctx.unit_of_work() as uow:
        uow.session.execute(
            sa.update(WebSession)
            .where(WebSession.id == _id(token), WebSession.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        uow.commit()
