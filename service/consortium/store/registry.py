"""Named queries over filings, scoped like the consortia they belong to."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import Actor
from ...errors import NotFound
from .consortia import visible_filter
from .models import Consortium, Filing


def list_filings(
    session: Session, actor: Actor, *, status: str | None = None
) -> list[tuple[Filing, Consortium]]:
    query = (
        sa.select(Filing, Consortium)
        .join(Consortium, Consortium.id == Filing.consortium_id)
        .where(visible_filter(actor))
        .order_by(Filing.id)
    )
    if status:
        query = query.where(Filing.status == status)
    return [(f, c) for f, c in session.execute(query).all()]


def get_filing(session: Session, filing_no: str, actor: Actor) -> tuple[Filing, Consortium]:
    row = session.execute(
        sa.select(Filing, Consortium)
        .join(Consortium, Consortium.id == Filing.consortium_id)
        .where(Filing.filing_no == filing_no, visible_filter(actor))
    ).first()
    if row is None:
        raise NotFound(f"备案不存在 / Filing {filing_no} does not exist")
    return row[0], row[1]
