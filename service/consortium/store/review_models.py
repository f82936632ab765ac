"""Expert review records: rounds, the expert pool, panels and their seats, schedules, score sheets.

Why here and not in the process data: a round spans many applications, an expert many rounds, and a
panel draw must be re-checkable years later, so these outlive any one instance (DESIGN.md "Storage").
Imported at the end of models.py so Alembic and `Base.metadata` see one schema.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ...engine.store.base import Base, UtcDateTime


class ReviewRound(Base):
    """申报批次: a submission window to the minute, the publicity rule, the rubric, the passing score."""

    __tablename__ = "review_round"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    publicity_length: Mapped[int] = mapped_column(sa.Integer, default=5)
    publicity_unit: Mapped[str] = mapped_column(sa.String(10), default="working")  # working | calendar
    publicity_min_calendar_days: Mapped[int] = mapped_column(sa.Integer, default=7)
    rubric_json: Mapped[str] = mapped_column(sa.Text)  # [{"key","zh","en","max"}], maxima sum to 100
    passing_score: Mapped[float] = mapped_column(sa.Float, default=60)
    panel_size: Mapped[int] = mapped_column(sa.Integer, default=5)
    panel_reserves: Mapped[int] = mapped_column(sa.Integer, default=2)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)  # open | decided
    results_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RoundEntry(Base):
    """An application belongs to one round: chosen at initiation or the open round at submission."""

    __tablename__ = "round_entry"
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_round.id"), index=True)
    application_no: Mapped[str] = mapped_column(sa.String(40), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(sa.String(20))  # selected | not_selected
    rank: Mapped[int | None] = mapped_column(sa.Integer)
    aggregate: Mapped[float | None] = mapped_column(sa.Float)
    # a failed site visit or a desk-review majority against keeps it out of selection unless the city
    # clerk overrides with a written reason (issue 13 item 4; reviews/findings.py)
    findings_override_reason: Mapped[str | None] = mapped_column(sa.Text)
    findings_override_by: Mapped[str | None] = mapped_column(sa.String(100))
    findings_override_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RoundPublicity(Base):
    """The round's one publicity notice: every selected consortium shares its start and end."""

    __tablename__ = "round_publicity"
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_round.id"), primary_key=True)
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    rule: Mapped[str] = mapped_column(sa.String(200))
    threshold: Mapped[float] = mapped_column(sa.Float)
    decided_by: Mapped[str] = mapped_column(sa.String(64))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Expert(Base):
    """An expert of the pool; `user_id` is the login that receives tasks."""

    __tablename__ = "expert"
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("app_user.id"), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    id_number: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    title: Mapped[str | None] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    fields_json: Mapped[str] = mapped_column(sa.Text, default="[]")  # "10+1" industry codes
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class ExpertAffiliation(Base):
    """A unit the expert works or worked for; `until` None means current (recusal looks back 3 years)."""

    __tablename__ = "expert_affiliation"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    expert_id: Mapped[str] = mapped_column(sa.ForeignKey("expert.user_id"), index=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), index=True)
    unit_name: Mapped[str | None] = mapped_column(sa.String(200))
    since: Mapped[date | None] = mapped_column(sa.Date)
    until: Mapped[date | None] = mapped_column(sa.Date)


class ExpertRelationship(Base):
    """A declared relationship (investment, dispute, co-PI, relative's employer) with a unit."""

    __tablename__ = "expert_relationship"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    expert_id: Mapped[str] = mapped_column(sa.ForeignKey("expert.user_id"), index=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.Text)


class ExpertAvailability(Base):
    """A window the expert can attend; an expert with windows is bookable only inside them."""

    __tablename__ = "expert_availability"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    expert_id: Mapped[str] = mapped_column(sa.ForeignKey("expert.user_id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Panel(Base):
    """One application's panel; `seed`, `candidates_json` and `excluded_json` let anyone re-run the draw."""

    __tablename__ = "panel"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_round.id"), index=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    application_no: Mapped[str] = mapped_column(sa.String(40), index=True)
    field: Mapped[str | None] = mapped_column(sa.String(20))
    size: Mapped[int] = mapped_column(sa.Integer)
    reserves: Mapped[int] = mapped_column(sa.Integer)
    seed: Mapped[str] = mapped_column(sa.String(40))
    candidates_json: Mapped[str] = mapped_column(sa.Text)  # eligible expert ids, sorted: the draw's input
    excluded_json: Mapped[str] = mapped_column(sa.Text)  # {expert id: [reasons]}
    drawn_order_json: Mapped[str] = mapped_column(sa.Text)  # the draw's output
    drawn_by: Mapped[str] = mapped_column(sa.String(64))
    drawn_at: Mapped[datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PanelSeat(Base):
    """An expert's place on a panel: member or reserve; drawn -> declared, or removed for a conflict."""

    __tablename__ = "panel_seat"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panel.id"), index=True)
    expert_id: Mapped[str] = mapped_column(sa.ForeignKey("expert.user_id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    role: Mapped[str] = mapped_column(sa.String(10))  # member | reserve
    status: Mapped[str] = mapped_column(sa.String(10))  # drawn | declared | removed | standby
    declared_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    declaration: Mapped[str | None] = mapped_column(sa.Text)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    removed_reason: Mapped[str | None] = mapped_column(sa.Text)
    replaced_by: Mapped[str | None] = mapped_column(sa.String(64))


class SiteVisit(Base):
    __tablename__ = "site_visit"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_round.id"), index=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    application_no: Mapped[str] = mapped_column(sa.String(40))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    address: Mapped[str] = mapped_column(sa.String(300))
    participants_json: Mapped[str] = mapped_column(sa.Text)  # user ids (experts and clerks)
    status: Mapped[str] = mapped_column(sa.String(12))  # scheduled | cancelled
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0)  # iCalendar SEQUENCE


class DefenseSession(Base):
    __tablename__ = "defense_session"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_round.id"), index=True)
    room: Mapped[str] = mapped_column(sa.String(100), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(sa.String(12))  # scheduled | cancelled
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0)


class DefenseSlot(Base):
    """One consortium's time in a session; the session's experts are its applications' panels."""

    __tablename__ = "defense_slot"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("defense_session.id"), index=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    application_no: Mapped[str] = mapped_column(sa.String(40))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CalendarInvitation(Base):
    """An iCalendar message sent to one attendee: the download link's body and the history of what their
    calendar was told. The e-mail itself goes through the notifications outbox (a `mail` job); `sent_at`
    is unused since then (kept so that migration 0004 stays as released)."""

    __tablename__ = "calendar_invitation"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    event_kind: Mapped[str] = mapped_column(sa.String(12))  # defense | site_visit
    event_id: Mapped[int] = mapped_column(sa.Integer, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(64), index=True)
    email: Mapped[str] = mapped_column(sa.String(200))
    method: Mapped[str] = mapped_column(sa.String(10))  # REQUEST | CANCEL
    sequence: Mapped[int] = mapped_column(sa.Integer)
    subject: Mapped[str] = mapped_column(sa.String(300))
    ics: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ScoreSheet(Base):
    """One expert's sheet for one application; locked once signed, never edited after."""

    __tablename__ = "score_sheet"
    __table_args__ = (sa.UniqueConstraint("panel_id", "expert_id", name="uq_score_sheet_panel_expert"),)
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panel.id"), index=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    expert_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    scores_json: Mapped[str] = mapped_column(sa.Text, default="{}")  # {dimension: {"score", "comment"}}
    total: Mapped[float | None] = mapped_column(sa.Float)
    dissent: Mapped[str | None] = mapped_column(sa.Text)
    signature: Mapped[str | None] = mapped_column(sa.String(200))
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PanelOpinion(Base):
    """The panel's consolidated opinion (专家组意见, issue 13 item 4): generated from the signed sheets,
    desk reviews and site visit; the panel leader (the first declared member seat) confirms and signs."""

    __tablename__ = "panel_opinion"
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panel.id"), primary_key=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    content_json: Mapped[str] = mapped_column(sa.Text)  # dimensions, totals, trimmed mean, dissent, …
    leader: Mapped[str] = mapped_column(sa.String(64))
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    signature: Mapped[str | None] = mapped_column(sa.String(200))
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
