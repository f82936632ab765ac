"""Tables of supervision after filing (guideline 七): evaluations, member changes, projects, integrity.

Kept in their own module, imported at the end of `models.py`, so the one metadata still describes the
whole schema while this area's tables sit together.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ...engine.store.base import Base, UtcDateTime


class ConsortiumProject(Base):
    """A project a consortium undertakes (承担项目); while one is active the consortium may not dissolve."""

    __tablename__ = "consortium_project"
    # one number per consortium (breakit F13; 0016_hbreak2): a second record of it is a 409
    __table_args__ = (sa.UniqueConstraint("consortium_id", "project_no", name="uq_consortium_project_no"),)
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    project_no: Mapped[str] = mapped_column(sa.String(60))
    name: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[str] = mapped_column(sa.String(20))  # national | provincial | city | other
    started_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)  # active | completed
    recorded_by: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # 六: how the project was organised (open | special | challenge) and its amount in 万元 (issue 14 item 10)
    mode: Mapped[str | None] = mapped_column(sa.String(20))
    amount_wan: Mapped[float | None] = mapped_column(sa.Float)


class SupportMeasure(Base):
    """A support measure (guideline 六) other than a project: a platform, a talent programme or an
    application scenario granted to or recommended for the consortium (issue 14 item 10)."""

    __tablename__ = "support_measure"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # platform | talent | scenario
    name: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[str | None] = mapped_column(sa.String(20))  # national | provincial | city | other
    amount_wan: Mapped[float | None] = mapped_column(sa.Float)
    granted_on: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProgressReport(Base):
    """A periodic progress report of the lead unit (七（一）定期跟踪建设进展), for the period ending `due_on`.
    """

    __tablename__ = "progress_report"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    due_on: Mapped[date] = mapped_column(sa.Date)
    summary: Mapped[str] = mapped_column(sa.Text)
    submitted_by: Mapped[str] = mapped_column(sa.String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IntegrityRecord(Base):
    """An entry of the research credit record (科研信用档案), by credit code or personal ID.

    `restriction_until` is the last day of a restriction (inclusive); None means no restriction;
    9999-12-31 (`integrity.PERMANENT`) a restriction the decision made permanent.
    """

    __tablename__ = "integrity_record"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(sa.String(10))  # org | person
    subject_id: Mapped[str] = mapped_column(sa.String(18), index=True)
    subject_name: Mapped[str] = mapped_column(sa.String(200))
    record_type: Mapped[str] = mapped_column(sa.String(40))  # lead_unit_failure | dishonesty | ...
    restriction: Mapped[str] = mapped_column(sa.String(30))  # none | no_lead_or_core
    description: Mapped[str] = mapped_column(sa.Text)
    decision_document: Mapped[str] = mapped_column(sa.String(200))
    decided_on: Mapped[date] = mapped_column(sa.Date)
    restriction_from: Mapped[date | None] = mapped_column(sa.Date)
    restriction_until: Mapped[date | None] = mapped_column(sa.Date, index=True)
    consortium_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    instance_id: Mapped[str | None] = mapped_column(sa.String(36))
    recorded_by: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # 移交司法机关: to whom and when (migration 0010_rules_credit)
    referral_authority: Mapped[str | None] = mapped_column(sa.String(200))
    referred_on: Mapped[date | None] = mapped_column(sa.Date)


class EvaluationRound(Base):
    """A performance-evaluation round (绩效评价); its grade bands and periods are set when it opens."""

    __tablename__ = "evaluation_round"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    round_no: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    data_from: Mapped[date] = mapped_column(sa.Date)
    data_until: Mapped[date] = mapped_column(sa.Date)
    grade_bands_json: Mapped[str] = mapped_column(sa.Text)
    rectification_months: Mapped[int] = mapped_column(sa.Integer)
    publicity_days: Mapped[int] = mapped_column(sa.Integer)
    opened_by: Mapped[str | None] = mapped_column(sa.String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EvaluationResult(Base):
    """One graded evaluation of one consortium (attempt 2 is the re-evaluation after rectification)."""

    __tablename__ = "evaluation_result"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_round.id"), index=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    instance_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    attempt: Mapped[int] = mapped_column(sa.Integer)
    score: Mapped[float] = mapped_column(sa.Float)
    grade: Mapped[str] = mapped_column(sa.String(20))  # excellent | good | pass | fail
    published_on: Mapped[date] = mapped_column(sa.Date)
    publicity_until: Mapped[date] = mapped_column(sa.Date)
    outcome: Mapped[str | None] = mapped_column(sa.String(20))  # passed | rectification | revoked
    rectification_until: Mapped[date | None] = mapped_column(sa.Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MemberChange(Base):
    """A supplementary agreement (补充协议) adding or removing members, from proposal to acknowledgement."""

    __tablename__ = "member_change"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    instance_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)  # proposed | applied | refused | rejected
    additions_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    removals_json: Mapped[str] = mapped_column(sa.Text, default="[]")
    effective_on: Mapped[date | None] = mapped_column(sa.Date)
    refused_by: Mapped[str | None] = mapped_column(sa.String(18))
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    threshold_note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RenewalInvitation(Base):
    """The in-app invitation to apply again that the lead unit receives when its filing expires."""

    __tablename__ = "renewal_invitation"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    filing_id: Mapped[int] = mapped_column(sa.ForeignKey("filing.id"), unique=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    lead_credit_code: Mapped[str] = mapped_column(sa.String(18), index=True)
    invited_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(sa.String(20))  # open | accepted
    application_no: Mapped[str | None] = mapped_column(sa.String(40))


class EvaluationAgency(Base):
    """A registered third-party evaluation agency (第三方评估机构, guideline 七（二）: 组织专家或
    委托第三方评估机构实施); its unit is in the organisation register, its users are in the
    `evaluation_agency` group with the agency's credit code (follow-up to issue 14 item 12)."""

    __tablename__ = "evaluation_agency"
    credit_code: Mapped[str] = mapped_column(sa.ForeignKey("organisation.credit_code"), primary_key=True)
    qualification: Mapped[str] = mapped_column(sa.Text)  # 资质、业绩 as the bureau recorded them
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    registered_by: Mapped[str] = mapped_column(sa.String(64))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AgencyAssignment(Base):
    """One evaluation entrusted to an agency instead of an expert panel, and the result it recorded."""

    __tablename__ = "agency_assignment"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_round.id"), index=True)
    consortium_id: Mapped[int] = mapped_column(sa.ForeignKey("consortium.id"), index=True)
    attempt: Mapped[int] = mapped_column(sa.Integer)
    agency_code: Mapped[str] = mapped_column(sa.ForeignKey("evaluation_agency.credit_code"), index=True)
    assigned_by: Mapped[str] = mapped_column(sa.String(64))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(sa.String(20), index=True)  # assigned | recorded
    score: Mapped[float | None] = mapped_column(sa.Float)
    grade: Mapped[str | None] = mapped_column(sa.String(20))  # excellent | pass | fail
    report_file_id: Mapped[str | None] = mapped_column(sa.String(64))
    report_name: Mapped[str | None] = mapped_column(sa.String(255))
    report_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_by: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
