"""Tables of the web-security layer: server-side sign-in sessions and the sign-in throttle's counters.

Both live in the database every process already shares, so any gunicorn worker (or machine) sees a
revoked session and counts the same failed sign-ins.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class WebSession(Base):
    """One sign-in. The cookie carries a random token; the row is keyed by its SHA-256 (a leaked table
    does not hand out sessions). Signing out sets `revoked_at`; a revoked or unknown id is signed out."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ThrottleCounter(Base):
    """A fixed-window counter of the `limits` library: `hits` in the window that ends at `expires_at`
    (seconds since the epoch, on the service clock)."""

    __tablename__ = "throttle_counter"
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(sa.Integer)
    expires_at: Mapped[float] = mapped_column(sa.Float, index=True)
