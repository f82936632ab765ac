"""Named queries over the domain records: organisations, consortia, memberships, filings, publicity."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import DISTRICT_CLERK, Actor
from ...engine.store import counters
from ...errors import NotFound
from . import per_instance
from .models import Consortium, District, Filing, Membership, Organisation, PublicityNotice


def find_organisation(session: Session, credit_code: str) -> Organisation | None:
    return session.get(Organisation, credit_code)


def ensure_organisation(
    session: Session, *, credit_code: str, name: str, category: str = "other", district: str | None = None
) -> Organisation:
    org = find_organisation(session, credit_code)
    if org is None:
        org = Organisation(credit_code=credit_code, name=name, category=category, district=district)
        session.add(org)
        session.flush()
    return org


def list_districts(session: Session, *, include_inactive: bool = False) -> list[District]:
    """The 区（市、功能区） list in its display order."""
    query = sa.select(District).order_by(District.sort_order, District.code)
    if not include_inactive:
        query = query.where(District.active.is_(True))
    return list(session.scalars(query))


def resolve_district(session: Session, typed: str | None) -> District | None:
    """The active district named `typed` (its name or one of its other names), or None."""
    text = (typed or "").strip()
    if not text:
        return None
    for district in list_districts(session):
        names = [district.name, *(a.strip() for a in (district.aliases or "").split(",") if a.strip())]
        if text in names:
            return district
    return None


def district_refusal(session: Session, typed: str) -> str | None:
    """Why `typed` is not a district of the list (bilingual, listing the choices), or None."""
    if resolve_district(session, typed) is not None:
        return None
    names = "、".join(d.name for d in list_districts(session))
    return (
        f"“{typed}”不是青岛市的区（市、功能区），请从列表中选择：{names} / "
        f"{typed!r} is not a district of Qingdao; pick one of the list"
    )


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(sa.select(Organisation).order_by(Organisation.credit_code)))


def find_by_application(session: Session, application_no: str) -> Consortium | None:
    return session.scalars(sa.select(Consortium).where(Consortium.application_no == application_no)).first()


def find_by_instance(session: Session, instance_id: str) -> Consortium | None:
    """The consortium record of application instance `instance_id`, None if it has none yet (found once
    per session: store/per_instance.py)."""
    return per_instance.find_by_instance(session, Consortium, instance_id)


def visible_filter(actor: Actor):
    if actor.sees_everything:
        return sa.true()
    clauses = []
    if actor.has(DISTRICT_CLERK) and actor.district:
        clauses.append(Consortium.district == actor.district)
    if actor.org_credit_code:
        clauses.append(Consortium.members.any(Membership.credit_code == actor.org_credit_code))
        clauses.append(Consortium.lead_credit_code == actor.org_credit_code)
    return sa.or_(sa.false(), *clauses)


def list_visible(session: Session, actor: Actor, *, status: str | None = None, industry: str | None = None):
    query = sa.select(Consortium).where(visible_filter(actor)).order_by(Consortium.id)
    if status:
        query = query.where(Consortium.status == status)
    if industry:
        query = query.where(Consortium.industry == industry)
    return list(session.scalars(query))


def get_visible(session: Session, consortium_id: int, actor: Actor) -> Consortium:
    row = session.scalars(
        sa.select(Consortium).where(Consortium.id == consortium_id, visible_filter(actor))
    ).first()
    if row is None:
        raise NotFound(f"创新联合体不存在 / Consortium {consortium_id} does not exist")
    return row


def filings_of(session: Session, consortium_id: int) -> list[Filing]:
    return list(
        session.scalars(sa.select(Filing).where(Filing.consortium_id == consortium_id).order_by(Filing.id))
    )


def next_number(session: Session, column, prefix: str, counter: str, scope: str) -> str:
    """The next serial number `prefix`NNNN of series `counter` in `scope` (store/counters.py)."""
    return counters.next_number(session, counter, scope, column, prefix)


def current_notice(session: Session, instance_id: str) -> PublicityNotice | None:
    return session.scalars(
        sa.select(PublicityNotice)
        .where(PublicityNotice.instance_id == instance_id)
        .order_by(PublicityNotice.id.desc())
    ).first()

