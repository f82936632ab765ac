"""The consortium domain's core records: organisations, consortia and their members, filings, publicity.

They outlive a process instance and are queried by the registry, the dashboard and supervision
(DESIGN.md "Storage", domain records). Built on the engine's `Base`, so one metadata holds the schema.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...engine.store.base import Base, UtcDateTime

# --- domain records --------------------------------------------------------------------------------


class Organisation(Base):
    __tablename__ = "organisation"
    credit_code: Mapped[str] = mapped_column(sa.String(18), primary_key=True)  # USCC, unique by design
    name: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(20))  # enterprise | university | institute | other
    district: Mapped[str | None] = mapped_column(sa.String(64))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    # The lead-unit check (guideline 四（一）1) waived by a city clerk, with the reason (organisations.py).
    check_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    check_override_by: Mapped[str | None] = mapped_column(sa.String(64))
    # verified: registered or confirmed by staff; pending: typed in by a lead unit, counts for nothing yet
    # (migration 0009_rules).
    verification: Mapped[str] = mapped_column(sa.String(20), default="verified", server_default="verified")
    category_confirmed_by: Mapped[str | None] = mapped_column(sa.String(64))
    category_confirmation_reason: Mapped[str | None] = mapped_column(sa.Text)
    registered_by: Mapped[str | None] = mapped_column(sa.String(64))


class District(Base):
    """One 区（市、功能区） of Qingdao: the list clerks and organisations pick from (migration 0009_rules).

    `name` is the value stored on users, organisations and consortia; `aliases` (comma separated) are
    other names typed for the same area (e.g. 黄岛区 for 西海岸新区) and are stored as `name`.
    """

    __tablename__ = "district"
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # district | county_city | function_zone
    aliases: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    sort_order: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")


class SubTrack(Base):
    """A 细分赛道 under one "10+1" industry (guideline 一: "重点领域、细分赛道"; issue 14, item 6).

    The bureau's list is not public yet, so the table starts empty and an administrator enters it; once an
    industry has active sub-tracks, an application in that industry names one of them.
    """

    __tablename__ = "sub_track"
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    industry: Mapped[str] = mapped_column(sa.String(20), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    sort_order: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")


class Consortium(Base):
    __tablename__ = "consortium"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    application_no: Mapped[str] = mapped_column(sa.String(40), unique=True)
    instance_id: Mapped[str | None] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    industry: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    sub_track: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    chain_leader: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    lead_credit_code: Mapped[str] = mapped_column(sa.ForeignKey("organisation.credit_code"), index=True)
    district: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    step: Mapped[str | None] = mapped_column(sa.String(100))
    chief_expert_name: Mapped[str | None] = mapped_column(sa.String(100))
    # A renewal application links to the filing it renews (migration 0003).
    previous_filing_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("filing.id", use_alter=True), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    members: Mapped[list[Membership]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Membership.id"
    )


class Membership(Base):
    __tablename__ = "membership"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id", ondelete="CASCADE"), index=True)
    credit_code: Mapped[str] = mapped_column(sa.ForeignKey("organisation.credit_code"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))  # lead | core | general
    category: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))  # invited | confirmed | declined
    effective_from: Mapped[date | None] = mapped_column(sa.Date)
    effective_until: Mapped[date | None] = mapped_column(sa.Date)


class Filing(Base):
    __tablename__ = "filing"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    filing_no: Mapped[str] = mapped_column(sa.String(40), unique=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_until: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)  # filed | expired | revoked
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # the city clerk's filing decision (文号), given at Task_FilingDecision (issue 13 item 5)
    document_no: Mapped[str | None] = mapped_column(sa.String(100))


class PublicityNotice(Base):
    __tablename__ = "publicity_notice"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    instance_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    rule: Mapped[str] = mapped_column(sa.String(200))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Objection(Base):
    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    receipt_no: Mapped[str] = mapped_column(sa.String(40), unique=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("publicity_notice.id"), index=True)
    objector_name: Mapped[str] = mapped_column(sa.String(100))
    objector_unit: Mapped[str | None] = mapped_column(sa.String(200))
    contact: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(sa.String(20))  # open | upheld | dismissed
    conclusion: Mapped[str | None] = mapped_column(sa.Text)
    # printed on the receipt: with the receipt number it opens the public status lookup (issue 13 item 3)
    verification_code: Mapped[str | None] = mapped_column(sa.String(16))
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finding_document: Mapped[str | None] = mapped_column(sa.String(200))
