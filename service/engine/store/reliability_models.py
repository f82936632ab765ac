"""Tables that make retries safe: page submissions already acted on, and mail handed to the relay.

Kept in their own module, imported at the end of `models.py`, so the one metadata still describes the whole
schema (added by migration 0008_reliability).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class IdempotentRequest(Base):
    """One page form submission, by its idempotency token: claimed before the handler acts, then the page
    the handler redirected to, which a replay of the same token is sent to instead of acting again."""

    __tablename__ = "idempotent_request"
    # sha256 hex of (who submitted, path, token): a token is only ever replayed by the browser that got it
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    path: Mapped[str] = mapped_column(sa.String(300))
    state: Mapped[str] = mapped_column(sa.String(10))  # pending | done
    location: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class MailHandoff(Base):
    """One attempt to hand an outbox e-mail to the SMTP relay, committed BEFORE the relay is called.

    `outcome` is `pending` until the attempt's result is committed (`sent` or `failed`); a row left
    `pending` means the process died between the hand-off and that commit, so the relay may have accepted
    the message: the retry that follows is logged as a possible duplicate and re-sends the same Message-ID.
    """

    __tablename__ = "mail_handoff"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(sa.String(36), index=True)  # the outbox job (deleted once sent)
    message_id: Mapped[str] = mapped_column(sa.String(200), index=True)
    recipient: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str] = mapped_column(sa.String(300))
    attempt: Mapped[int] = mapped_column(sa.Integer)
    handed_off_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(sa.String(10))  # pending | sent | failed
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    error: Mapped[str | None] = mapped_column(sa.Text)
