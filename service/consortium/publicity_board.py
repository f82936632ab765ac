"""The public publicity page: notices whose period has not ended, with what the bureau publishes.

No login: only what a published notice carries anyway (application number, name, lead unit, members,
industry, dates), never contacts, plans or scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..context import Context
from .store.models import Consortium, Organisation, PublicityNotice


@dataclass(frozen=True)
class PublicNotice:
    application_no: str
    instance_id: str
    name: str | None
    industry: str | None
    lead: str
    members: list[str]
    start_date: date
    end_date: date


def current_notices(ctx: Context) -> list[PublicNotice]:
    """Notices open now: published and not yet ended (late objections are refused by the use case too)."""
    now = ctx.now()
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rows = session.execute(
            sa.select(PublicityNotice, Consortium)
            .join(Consortium, Consortium.id == PublicityNotice.consortium_id)
            .where(PublicityNotice.ends_at > now, PublicityNotice.published_at <= now)
            .order_by(PublicityNotice.start_date, Consortium.application_no)
        ).all()
        names = dict(session.execute(sa.select(Organisation.credit_code, Organisation.name)).all())
        notices = []
        for notice, record in rows:
            members = [
                names.get(m.credit_code, m.credit_code)
                for m in record.members
                if m.role != "lead" and m.status != "declined"
            ]
            notices.append(
                PublicNotice(
                    record.application_no, record.instance_id or "", record.name, record.industry,
                    names.get(record.lead_credit_code, record.lead_credit_code), members,
                    notice.start_date, notice.end_date,
                )
            )
        return notices
