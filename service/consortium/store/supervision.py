"""Named queries of supervision after filing: filings in force, members in force, projects, the register."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...engine.store.models import ProcessInstance, User
from ...errors import NotFound
from .models import Consortium, Filing, Membership
from .supervision_models import (
    ConsortiumProject,
    EvaluationResult,
    EvaluationRound,
    IntegrityRecord,
    MemberChange,
    RenewalInvitation,
)


def get_consortium(session: Session, consortium_id: int) -> Consortium:
    found = session.get(Consortium, consortium_id)
    if found is None:
        raise NotFound(f"创新联合体不存在 / Consortium {consortium_id} does not exist")
    return found


def filing_in_force(session: Session, consortium_id: int) -> Filing | None:
    """The filing that currently gives the consortium its standing (status `filed`)."""
    return session.scalars(
        sa.select(Filing)
        .where(Filing.consortium_id == consortium_id, Filing.status == "filed")
        .order_by(Filing.id.desc())
    ).first()


def latest_filing(session: Session, consortium_id: int) -> Filing | None:
    return session.scalars(
        sa.select(Filing).where(Filing.consortium_id == consortium_id).order_by(Filing.id.desc())
    ).first()


def members_in_force(consortium: Consortium) -> list[Membership]:
    """Confirmed memberships not ended by a change, lead first."""
    active = [m for m in consortium.members if m.status == "confirmed"]
    return sorted(active, key=lambda m: m.role != "lead")


def active_projects(session: Session, consortium_id: int) -> list[ConsortiumProject]:
    return list(
        session.scalars(
            sa.select(ConsortiumProject)
            .where(ConsortiumProject.consortium_id == consortium_id, ConsortiumProject.status == "active")
            .order_by(ConsortiumProject.id)
        )
    )


def projects_of(session: Session, consortium_id: int) -> list[ConsortiumProject]:
    return list(
        session.scalars(
            sa.select(ConsortiumProject)
            .where(ConsortiumProject.consortium_id == consortium_id)
            .order_by(ConsortiumProject.id)
        )
    )


def restrictions_in_force(session: Session, subject_id: str, on: date) -> list[IntegrityRecord]:
    """Register entries restricting `subject_id` on day `on` (restriction_until is inclusive)."""
    return list(
        session.scalars(
            sa.select(IntegrityRecord)
            .where(
                IntegrityRecord.subject_id == subject_id,
                IntegrityRecord.restriction != "none",
                IntegrityRecord.restriction_from <= on,
                IntegrityRecord.restriction_until >= on,
            )
            .order_by(IntegrityRecord.restriction_until.desc())
        )
    )


def integrity_records(session: Session, subject_id: str | None = None) -> list[IntegrityRecord]:
    query = sa.select(IntegrityRecord).order_by(IntegrityRecord.id)
    if subject_id:
        query = query.where(IntegrityRecord.subject_id == subject_id)
    return list(session.scalars(query))


def integrity_records_of_consortium(session: Session, consortium_id: int) -> list[IntegrityRecord]:
    return list(
        session.scalars(
            sa.select(IntegrityRecord)
            .where(IntegrityRecord.consortium_id == consortium_id)
            .order_by(IntegrityRecord.id)
        )
    )


def get_round(session: Session, round_id: int) -> EvaluationRound:
    found = session.get(EvaluationRound, round_id)
    if found is None:
        raise NotFound(f"评价轮次不存在 / Evaluation round {round_id} does not exist")
    return found


def evaluation_results(session: Session, consortium_id: int) -> list[EvaluationResult]:
    return list(
        session.scalars(
            sa.select(EvaluationResult)
            .where(EvaluationResult.consortium_id == consortium_id)
            .order_by(EvaluationResult.id)
        )
    )


def latest_result(session: Session, instance_id: str) -> EvaluationResult | None:
    return session.scalars(
        sa.select(EvaluationResult)
        .where(EvaluationResult.instance_id == instance_id)
        .order_by(EvaluationResult.id.desc())
    ).first()


def results_of_round(session: Session, round_id: int) -> list[EvaluationResult]:
    return list(
        session.scalars(
            sa.select(EvaluationResult)
            .where(EvaluationResult.round_id == round_id)
            .order_by(EvaluationResult.id)
        )
    )


def filed_consortia(session: Session) -> list[Consortium]:
    """Consortia an evaluation round covers: filed, or in a rectification period."""
    return list(
        session.scalars(
            sa.select(Consortium)
            .where(Consortium.status.in_(("filed", "under_rectification")))
            .order_by(Consortium.id)
        )
    )


def member_change_of(session: Session, instance_id: str) -> MemberChange | None:
    return session.scalars(sa.select(MemberChange).where(MemberChange.instance_id == instance_id)).first()


def member_changes_of(session: Session, consortium_id: int) -> list[MemberChange]:
    return list(
        session.scalars(
            sa.select(MemberChange)
            .where(MemberChange.consortium_id == consortium_id)
            .order_by(MemberChange.id)
        )
    )


def invitation_for_filing(session: Session, filing_id: int) -> RenewalInvitation | None:
    return session.scalars(
        sa.select(RenewalInvitation).where(RenewalInvitation.filing_id == filing_id)
    ).first()


def invitations_of(session: Session, lead_credit_code: str) -> list[RenewalInvitation]:
    return list(
        session.scalars(
            sa.select(RenewalInvitation)
            .where(RenewalInvitation.lead_credit_code == lead_credit_code)
            .order_by(RenewalInvitation.id)
        )
    )


def active_users_of_org(session: Session, credit_code: str) -> list[str]:
    return list(
        session.scalars(
            sa.select(User.id)
            .where(User.org_credit_code == credit_code, User.active.is_(True))
            .order_by(User.id)
        )
    )


def instance_variables(row: ProcessInstance | None) -> dict:
    return json.loads(row.variables_json or "{}") if row is not None else {}
