"""Renewal (重新申报): at expiry the lead unit is invited to apply again, and a renewal application
links to the expired filing and starts pre-filled from it.

The invitation is a `renewal_invitation` row plus a notification to the lead unit's users, in-app and by
e-mail through the notifications outbox: the handler that expires a filing runs inside the timer's
command and has no Context, so the command passes the deadline settings down and the mail job is
written in that same transaction (sent after commit, never for an expiry that was rolled back).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import Actor
from ...context import Context
from ...deadline_settings import DeadlineSettings
from ...engine.instances import Started, start_instance
from ...engine.notifications import notify_users
from ...engine.store import audit
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, Forbidden, NotFound
from ..procedure import RECOMMENDATION
from ..store import consortia as consortium_store
from ..store import supervision as store
from ..store.models import Consortium, Filing
from ..store.supervision_models import RenewalInvitation
from .standing import member_items

#: The page (service/web/supervision_page.py) where the lead unit starts the renewal, named in the notice.
RENEWAL_PAGE = "/registry/{consortium_id}/renewal"
#: What a renewal carries over from the previous application; everything is reviewed again anyway.
CARRIED_OVER = (
    "consortium_name",
    "industry",
    "key_technology",
    "market_need",
    "agreement",
    "chief_expert",
    "plan",
)


def invite_to_renew(
    session: Session,
    record: Consortium,
    filing: Filing,
    *,
    actor: Actor,
    now: datetime,
    settings: DeadlineSettings,
) -> None:
    """Invite the lead unit to apply again (once per filing): in-app and by e-mail to its users."""
    if store.invitation_for_filing(session, filing.id) is not None:
        return
    session.add(
        RenewalInvitation(
            filing_id=filing.id,
            consortium_id=record.id,
            lead_credit_code=record.lead_credit_code,
            invited_at=now,
            status="open",
        )
    )
    expired_on = filing.valid_until.isoformat()
    notify_users(
        settings,
        session,
        store.active_users_of_org(session, record.lead_credit_code),
        kind="renewal_invitation",
        subject=f"备案有效期满，欢迎重新申报 / Filing {filing.filing_no} expired: apply again",
        body=f"创新联合体“{record.name}”的备案（{filing.filing_no}）已于 {expired_on} 到期。"
        f"可在“重新申报”中发起新的申请，材料将按原备案预填。\n"
        f"重新申报 / Apply again: {RENEWAL_PAGE.format(consortium_id=record.id)}\n"
        f"The filing {filing.filing_no} of {record.name} expired on {expired_on}. "
        "A renewal application starts pre-filled from it.",
        now=now,
        instance_id=record.instance_id,
    )
    audit.record(
        session,
        actor=actor,
        action="renewal.invited",
        at=now,
        instance_id=record.instance_id,
        detail={"filing_no": filing.filing_no, "lead": record.lead_credit_code},
    )


def start_renewal(ctx: Context, *, actor: Actor, filing_id: int) -> Started:
    """Start a new application from an expired filing: linked to it, pre-filled from it.

    Raises:
        NotFound: no such filing.
        Forbidden: the caller is not the consortium's lead unit.
        Conflict: the filing has not expired, or a renewal was already started from it.
        InvalidInput: the lead unit is under a credit-record restriction (from starting the application).
    """
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        filing = session.get(Filing, filing_id)
        if filing is None:
            raise NotFound(f"备案不存在 / Filing {filing_id} does not exist")
        record = store.get_consortium(session, filing.consortium_id)
        if actor.org_credit_code != record.lead_credit_code:
            raise Forbidden("只有原牵头单位可以重新申报 / Only the lead unit may renew its filing")
        if filing.status != "expired":
            raise Conflict(f"备案 {filing.filing_no} 尚未到期 / Filing {filing.filing_no} has not expired")
        invitation = store.invitation_for_filing(session, filing.id)
        if invitation is not None and invitation.status == "accepted":
            raise Conflict(
                f"已根据该备案发起重新申报 {invitation.application_no} / "
                f"A renewal ({invitation.application_no}) was already started"
            )
        variables = _prefill(session, record, filing)
    started = start_instance(ctx, key=RECOMMENDATION, actor=actor, variables=variables)
    _accept_invitation(ctx, actor=actor, filing_id=filing_id, application_no=started.business_key)
    return started


def _prefill(session: Session, record: Consortium, filing: Filing) -> dict[str, Any]:
    """The previous application's answers, with the members in force at expiry (after any changes)."""
    previous = session.get(ProcessInstance, record.instance_id) if record.instance_id else None
    answers = store.instance_variables(previous)
    variables = {key: answers[key] for key in CARRIED_OVER if answers.get(key) is not None}
    variables["invited_members"] = [
        {k: m[k] for k in ("credit_code", "name", "category", "role")}
        for m in member_items(session, record)
        if m["role"] != "lead"
    ]
    variables.update(
        previous_filing_id=filing.id,
        previous_filing_no=filing.filing_no,
        previous_application_no=record.application_no,
    )
    return variables


def _accept_invitation(ctx: Context, *, actor: Actor, filing_id: int, application_no: str | None) -> None:
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        invitation = store.invitation_for_filing(uow.session, filing_id)
        if invitation is not None:
            invitation.status, invitation.application_no = "accepted", application_no
        audit.record(
            uow.session,
            actor=actor,
            action="renewal.started",
            at=now,
            detail={"filing_id": filing_id, "application_no": application_no},
        )
        uow.commit()


def mark_renewed(session: Session, record: Consortium, *, actor: Actor, now: datetime) -> None:
    """A renewal application was filed: the consortium it renews reads `renewed` in the registry."""
    if record.previous_filing_id is None:
        return
    previous_filing = session.get(Filing, record.previous_filing_id)
    previous = store.get_consortium(session, previous_filing.consortium_id) if previous_filing else None
    if previous is None or previous.status != "expired":
        return
    previous.status, previous.updated_at = "renewed", now
    audit.record(
        session,
        actor=actor,
        action="renewal.filed",
        at=now,
        instance_id=record.instance_id,
        detail={"renews": previous.application_no, "application_no": record.application_no},
    )


def list_invitations(ctx: Context, *, actor: Actor) -> list[dict[str, Any]]:
    """The caller's unit's invitations to apply again."""
    if not actor.org_credit_code:
        return []
    with ctx.unit_of_work(write=False) as uow:
        return [
            {
                "filingId": i.filing_id,
                "consortiumId": i.consortium_id,
                "invitedAt": i.invited_at.isoformat(),
                "status": i.status,
                "applicationNo": i.application_no,
            }
            for i in store.invitations_of(uow.session, actor.org_credit_code)
        ]


def renewal_preview(ctx: Context, *, actor: Actor, consortium_id: int) -> dict[str, Any]:
    """What a renewal of the consortium's expired filing would start with (the 重新申报 page).

    Returns {"filingId", "filingNo", "validUntil", "applicationNo", "renewedAs", "prefill"}; `renewedAs`
    is the application already started from it, if any.

    Raises:
        NotFound: the consortium is outside the caller's scope, or has never been filed.
        Forbidden: the caller is not its lead unit.
        Conflict: its latest filing has not expired.
    """
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = consortium_store.get_visible(session, consortium_id, actor)
        if actor.org_credit_code != record.lead_credit_code:
            raise Forbidden("只有原牵头单位可以重新申报 / Only the lead unit may renew its filing")
        filing = store.latest_filing(session, record.id)
        if filing is None:
            raise NotFound(f"该联合体尚无备案 / Consortium {consortium_id} has no filing")
        if filing.status != "expired":
            raise Conflict(f"备案 {filing.filing_no} 尚未到期 / Filing {filing.filing_no} has not expired")
        invitation = store.invitation_for_filing(session, filing.id)
        accepted = invitation is not None and invitation.status == "accepted"
        return {
            "filingId": filing.id,
            "filingNo": filing.filing_no,
            "validUntil": filing.valid_until.isoformat(),
            "applicationNo": record.application_no,
            "renewedAs": invitation.application_no if accepted else None,
            "prefill": _prefill(session, record, filing),
        }


def filing_id_of(ctx: Context, *, actor: Actor, filing_no: str) -> int:
    """The id of filing `filing_no` when its consortium is in the caller's scope; NotFound otherwise."""
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing).where(Filing.filing_no == filing_no)).first()
        missing = NotFound(f"备案不存在 / Filing {filing_no} does not exist")
        if filing is None:
            raise missing
        try:  # not seen = not there, never naming the consortium's id (report-a finding 11)
            consortium_store.get_visible(uow.session, filing.consortium_id, actor)
        except NotFound:
            raise missing from None
        return filing.id
