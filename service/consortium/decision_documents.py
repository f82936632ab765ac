"""What the bureau's decisions say as documents (issue 13 item 5): the publicity notice (公示) and the
filing notice (备案通知) with its certificate, read from the publicity and filing records.

The words of the bureau (issuing authority, telephones, address) are configuration
(`Config.bureau`, service/bureau_settings.py); the period is the notice's own record, with the rule it
was computed with (deadline_settings.PublicityRule). A filing's document number (文号) is shown when the
record has one (`document_no`, set by the clerk's filing decision).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..actors import Actor
from ..bureau_settings import BureauSettings
from ..context import Context
from ..errors import NotFound
from .store import consortia
from .store.models import Consortium, Filing, Organisation, PublicityNotice

GUIDELINE = "《青岛市创新联合体组建工作指引》"


@dataclass(frozen=True)
class Party:
    credit_code: str
    name: str
    category: str


@dataclass(frozen=True)
class NoticeDocument:
    """The publicity notice of one application, as published."""

    application_no: str
    consortium_name: str | None
    industry: str | None
    lead: Party
    members: list[Party]
    start_date: date
    end_date: date
    rule: str  # "自发布次日起 5 个工作日… / 5 working days …"
    published_at: datetime
    bureau: BureauSettings
    instance_id: str | None = None  # the audit stream its issue is recorded in
    guideline: str = GUIDELINE


@dataclass(frozen=True)
class FilingDocument:
    """A filing as its notice and certificate state it."""

    application_no: str
    instance_id: str | None
    consortium_name: str | None
    industry: str | None
    filing_no: str
    document_no: str | None
    lead: Party
    members: list[Party]
    valid_from: date
    valid_until: date
    filed_at: datetime
    status: str
    bureau: BureauSettings
    guideline: str = GUIDELINE


def _parties(session, record: Consortium) -> tuple[Party, list[Party]]:
    codes = [record.lead_credit_code, *(m.credit_code for m in record.members)]
    query = sa.select(Organisation).where(Organisation.credit_code.in_(codes))
    orgs = {o.credit_code: o for o in session.scalars(query)}

    def party(code: str, category: str | None = None) -> Party:
        org = orgs.get(code)
        return Party(code, org.name if org else code, org.category if org else (category or "other"))

    members = [
        party(m.credit_code, m.category)
        for m in record.members
        if m.role != "lead" and m.status not in ("declined", "invited")
    ]
    return party(record.lead_credit_code), members


def publicity_notice(ctx: Context, *, application_no: str) -> NoticeDocument:
    """The published notice of `application_no` (public: what the notice publishes anyway).

    Raises:
        NotFound: no notice was published for it (or not yet).
    """
    now = ctx.now()
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = consortia.find_by_application(session, application_no)
        notice = (
            session.scalars(
                sa.select(PublicityNotice)
                .where(PublicityNotice.consortium_id == record.id, PublicityNotice.published_at <= now)
                .order_by(PublicityNotice.id.desc())
            ).first()
            if record is not None
            else None
        )
        if notice is None:
            raise NotFound(f"未找到公示 {application_no} / No publicity notice for {application_no}")
        lead, members = _parties(session, record)
        return NoticeDocument(
            record.application_no, record.name, record.industry, lead, members, notice.start_date,
            notice.end_date, notice.rule, notice.published_at, ctx.config.bureau, record.instance_id,
        )


def filing_document(ctx: Context, *, application_no: str, actor: Actor) -> FilingDocument:
    """The latest filing of `application_no`, for those who may see the consortium.

    Raises:
        NotFound: not filed, or the actor may not see it.
    """
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = consortia.find_by_application(session, application_no)
        missing = NotFound(f"申请不存在 / Application {application_no} does not exist")
        if record is None:
            raise missing
        try:  # not seen = not there, never naming the consortium's id (report-a finding 11)
            consortia.get_visible(session, record.id, actor)
        except NotFound:
            raise missing from None
        filing = session.scalars(
            sa.select(Filing).where(Filing.consortium_id == record.id).order_by(Filing.id.desc())
        ).first()
        if filing is None:
            raise NotFound(f"尚未备案 / Application {application_no} has not been filed")
        lead, members = _parties(session, record)
        return FilingDocument(
            record.application_no, record.instance_id, record.name, record.industry, filing.filing_no,
            getattr(filing, "document_no", None),  # set by the filing decision task once it exists
            lead, members, filing.valid_from, filing.valid_until, filing.filed_at, filing.status,
            ctx.config.bureau,
        )
