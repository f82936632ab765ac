"""Named queries over rounds, the expert pool, panels, schedules and score sheets."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...engine.store.models import HumanTask, InstanceAccess
from ...errors import NotFound
from . import per_instance
from .review_models import (
    DefenseSession,
    DefenseSlot,
    Expert,
    ExpertAffiliation,
    ExpertAvailability,
    ExpertRelationship,
    Panel,
    PanelSeat,
    ReviewRound,
    RoundEntry,
    ScoreSheet,
    SiteVisit,
)

SEATED = ("drawn", "declared")  # a member seat that is not removed


def get_round(session: Session, round_id: int) -> ReviewRound:
    found = session.get(ReviewRound, round_id)
    if found is None:
        raise NotFound(f"申报批次不存在 / Round {round_id} does not exist")
    return found


def list_rounds(session: Session) -> list[ReviewRound]:
    return list(session.scalars(sa.select(ReviewRound).order_by(ReviewRound.opens_at.desc())))


def rounds_open_at(session: Session, at: datetime) -> list[ReviewRound]:
    return list(
        session.scalars(
            sa.select(ReviewRound)
            .where(ReviewRound.opens_at <= at, ReviewRound.closes_at > at, ReviewRound.status == "open")
            .order_by(ReviewRound.id)
        )
    )


def find_entry(session: Session, instance_id: str) -> RoundEntry | None:
    return session.get(RoundEntry, instance_id)


def entries_of(session: Session, round_id: int) -> list[RoundEntry]:
    return list(
        session.scalars(
            sa.select(RoundEntry).where(RoundEntry.round_id == round_id).order_by(RoundEntry.application_no)
        )
    )


def get_expert(session: Session, user_id: str) -> Expert:
    found = session.get(Expert, user_id)
    if found is None:
        raise NotFound(f"专家不存在 / Expert {user_id} is not in the pool")
    return found


def list_experts(session: Session) -> list[Expert]:
    return list(session.scalars(sa.select(Expert).order_by(Expert.user_id)))


def affiliations_of(session: Session, expert_id: str) -> list[ExpertAffiliation]:
    stmt = sa.select(ExpertAffiliation).where(ExpertAffiliation.expert_id == expert_id)
    return list(session.scalars(stmt.order_by(ExpertAffiliation.id)))


def relationships_of(session: Session, expert_id: str) -> list[ExpertRelationship]:
    stmt = sa.select(ExpertRelationship).where(ExpertRelationship.expert_id == expert_id)
    return list(session.scalars(stmt.order_by(ExpertRelationship.id)))


def availability_of(session: Session, expert_id: str) -> list[ExpertAvailability]:
    stmt = sa.select(ExpertAvailability).where(ExpertAvailability.expert_id == expert_id)
    return list(session.scalars(stmt.order_by(ExpertAvailability.starts_at)))


PANEL_NOT_FOUND = "评审专家组不存在 / Panel {id} does not exist"
"""One answer for a panel that does not exist and one the caller may not see (report-a finding 11)."""


def get_panel(session: Session, panel_id: int) -> Panel:
    found = session.get(Panel, panel_id)
    if found is None:
        raise NotFound(PANEL_NOT_FOUND.format(id=panel_id))
    return found


def find_panel_of(session: Session, instance_id: str) -> Panel | None:
    """The panel of application instance `instance_id`, None without one (found once per session:
    store/per_instance.py)."""
    return per_instance.find_by_instance(session, Panel, instance_id)


def seats_of(session: Session, panel_id: int) -> list[PanelSeat]:
    stmt = sa.select(PanelSeat).where(PanelSeat.panel_id == panel_id).order_by(PanelSeat.position)
    return list(session.scalars(stmt))


def members_of(session: Session, panel_id: int) -> list[PanelSeat]:
    """Member seats still held (drawn or declared), in draw order."""
    return [s for s in seats_of(session, panel_id) if s.role == "member" and s.status in SEATED]


def seat_of(session: Session, panel_id: int, expert_id: str) -> PanelSeat | None:
    stmt = sa.select(PanelSeat).where(PanelSeat.panel_id == panel_id, PanelSeat.expert_id == expert_id)
    return session.scalars(stmt).first()


def held_seats_of_expert(session: Session, expert_id: str) -> list[PanelSeat]:
    stmt = sa.select(PanelSeat).where(
        PanelSeat.expert_id == expert_id, PanelSeat.status.in_(SEATED + ("standby",))
    )
    return list(session.scalars(stmt))


def revoke_user_access(session: Session, instance_id: str, user_id: str) -> None:
    session.execute(
        sa.delete(InstanceAccess).where(
            InstanceAccess.instance_id == instance_id,
            InstanceAccess.kind == "user",
            InstanceAccess.value == user_id,
        )
    )
    session.info.get("access", {}).get(instance_id, set()).discard(("user", user_id))


def open_tasks_of(session: Session, instance_id: str, assignee: str | None = None) -> list[HumanTask]:
    """The instance's open tasks (of `assignee`, when given), oldest first."""
    stmt = sa.select(HumanTask).where(HumanTask.instance_id == instance_id)
    if assignee is not None:
        stmt = stmt.where(HumanTask.assignee == assignee)
    return list(session.scalars(stmt.order_by(HumanTask.created_at, HumanTask.id)))


def sessions_in(session: Session, starts_at: datetime, ends_at: datetime) -> list[DefenseSession]:
    """Scheduled sessions overlapping [starts_at, ends_at)."""
    stmt = sa.select(DefenseSession).where(
        DefenseSession.status == "scheduled",
        DefenseSession.starts_at < ends_at,
        DefenseSession.ends_at > starts_at,
    )
    return list(session.scalars(stmt.order_by(DefenseSession.starts_at)))


def visits_in(session: Session, starts_at: datetime, ends_at: datetime) -> list[SiteVisit]:
    stmt = sa.select(SiteVisit).where(
        SiteVisit.status == "scheduled", SiteVisit.starts_at < ends_at, SiteVisit.ends_at > starts_at
    )
    return list(session.scalars(stmt.order_by(SiteVisit.starts_at)))


def get_session(session: Session, session_id: int) -> DefenseSession:
    found = session.get(DefenseSession, session_id)
    if found is None:
        raise NotFound(f"答辩会不存在 / Defense session {session_id} does not exist")
    return found


def slots_of(session: Session, session_id: int) -> list[DefenseSlot]:
    stmt = sa.select(DefenseSlot).where(DefenseSlot.session_id == session_id).order_by(DefenseSlot.starts_at)
    return list(session.scalars(stmt))


def get_visit(session: Session, visit_id: int) -> SiteVisit:
    found = session.get(SiteVisit, visit_id)
    if found is None:
        raise NotFound(f"现场考察不存在 / Site visit {visit_id} does not exist")
    return found


def find_sheet(session: Session, panel_id: int, expert_id: str) -> ScoreSheet | None:
    stmt = sa.select(ScoreSheet).where(ScoreSheet.panel_id == panel_id, ScoreSheet.expert_id == expert_id)
    return session.scalars(stmt).first()


def sheets_of(session: Session, panel_id: int) -> list[ScoreSheet]:
    stmt = sa.select(ScoreSheet).where(ScoreSheet.panel_id == panel_id).order_by(ScoreSheet.id)
    return list(session.scalars(stmt))


def sessions_of_round(session: Session, round_id: int) -> list[DefenseSession]:
    stmt = sa.select(DefenseSession).where(DefenseSession.round_id == round_id)
    return list(session.scalars(stmt.order_by(DefenseSession.starts_at, DefenseSession.id)))


def visits_of_round(session: Session, round_id: int) -> list[SiteVisit]:
    stmt = sa.select(SiteVisit).where(SiteVisit.round_id == round_id)
    return list(session.scalars(stmt.order_by(SiteVisit.starts_at, SiteVisit.id)))


def member_seats_of_expert(session: Session, expert_id: str) -> list[PanelSeat]:
    """Member seats the expert still holds (to declare, or declared)."""
    stmt = sa.select(PanelSeat).where(
        PanelSeat.expert_id == expert_id, PanelSeat.role == "member", PanelSeat.status.in_(SEATED)
    )
    return list(session.scalars(stmt.order_by(PanelSeat.panel_id)))
