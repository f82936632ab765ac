"""Publicity (公示): objections from the public, recorded one by one during the publicity period.

Anonymous objections are refused, and so are late ones and early ones (DOMAIN-NOTES §3.2): the notice,
published on its publication day, states the period's start and end dates (counting starts the day
after publication, engine/calendar.publicity_period), and objections are received from its first day
00:00 to its last day 24:00, Beijing time. Each objection is a row of its
own with a receipt number and a verification code (printed on the receipt); when publicity ends the
process gives the city clerk one handling task per objection (consortium/objections.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..actors import Actor
from ..clock import local_minutes, local_today
from ..context import Context
from ..engine.commands import run_command
from ..engine.store import audit, instances
from ..errors import Conflict, NotFound
from . import objection_input
from .objections import new_verification_code
from .store import consortia
from .store.models import Objection

PUBLIC = Actor(id="public", groups=frozenset())
OLD_MESSAGE = "objection_received"  # what diagram versions before issue 13 wait for


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    application_no: str
    verification_code: str = ""  # with the receipt number, opens the status lookup


def lodge_objection(
    ctx: Context,
    *,
    application_no: str,
    objector_name: str,
    contact: str,
    reason: str,
    objector_unit: str | None = None,
) -> Receipt:
    """Record an objection during the publicity period; returns the receipt (number and verification code).

    Raises:
        InvalidInput: anonymous (also invisible characters only), a contact that is no phone number or
            e-mail, a reason under 10 characters, a field too long (objection_input.py; naming the fields).
        NotFound: the application has no publicity notice.
        Conflict: the publicity period has not started yet (before its start date in Beijing time, e.g.
            on the publication day) or has ended; or the same contact already lodged the same reason in
            this publicity (a duplicate).
    """
    now = ctx.now()
    clean = objection_input.checked({"application_no": application_no, "objector_name": objector_name,
                                      "objector_unit": objector_unit, "contact": contact, "reason": reason})
    application_no, objector_name, contact, reason = (
        clean["application_no"], clean["objector_name"], clean["contact"], clean["reason"])
    objector_unit = clean["objector_unit"]
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = consortia.find_by_application(session, application_no)
        notice = (
            consortia.current_notice(session, record.instance_id) if record and record.instance_id else None
        )
        if notice is None:
            # before its publicity starts an application is not public: 404, saying when objections open
            raise NotFound(
                f"{application_no} 不在公示中：公示开始后方可提出异议 / {application_no} is not in "
                "publicity: objections are accepted once its publicity notice is published"
            )
        if local_today(now) < notice.start_date:
            start = notice.start_date.isoformat()
            raise Conflict(
                f"公示期自 {start} 起，公示开始前不受理异议 / "
                f"Publicity runs from {start}; objections are not accepted before it starts"
            )
        if now >= notice.ends_at:
            raise Conflict(
                f"公示期已于 {notice.end_date.isoformat()} 结束，逾期异议不予受理 / "
                f"Publicity ended on {notice.end_date.isoformat()}; late objections are not accepted"
            )
        # drawn first: the counter's lock makes two identical objections sent at once see each other
        receipt_no = consortia.next_number(
            session, Objection.receipt_no, f"YY-{now.year}-", "objection_receipt", str(now.year)
        )
        _refuse_duplicate(session, notice.id, contact.strip(), reason.strip())
        objection = Objection(
            receipt_no=receipt_no,
            notice_id=notice.id,
            objector_name=objector_name.strip(),
            objector_unit=(objector_unit or "").strip() or None,
            contact=contact.strip(),
            reason=reason.strip(),
            received_at=now,
            status="open",
            verification_code=new_verification_code(),
        )
        session.add(objection)
        session.flush()
        _wake_older_diagram(ctx, session, record.instance_id, objection.receipt_no, now)
        audit.record(
            session,
            actor=PUBLIC,
            action="objection.received",
            at=now,
            instance_id=record.instance_id,
            detail={"receipt_no": objection.receipt_no},
        )
        uow.commit()
        return Receipt(receipt_no=objection.receipt_no, application_no=application_no,
                       verification_code=objection.verification_code or "")


def _refuse_duplicate(session, notice_id: int, contact: str, reason: str) -> None:
    """Conflict when this publicity already has an objection with the same contact and the same reason
    (report finding 9): one objection is handled once; a resubmission would only add a handling task.
    The earlier receipt number is not repeated (receipts are shown only to the session that lodged them)."""
    same_reason = session.scalars(
        sa.select(Objection).where(Objection.notice_id == notice_id, Objection.reason == reason)
        .order_by(Objection.received_at)
    )
    key = contact_key(contact)  # +86 138…, 0086 138…, 138-0000-0001 are one phone (report-a finding 12)
    earlier = next((o for o in same_reason if contact_key(o.contact) == key), None)
    if earlier is not None:
        received = local_minutes(earlier.received_at)
        raise Conflict(
            f"该联系方式已于 {received} 就本次公示提交过相同的异议，无需重复提交；"
            "如需补充，请在异议理由中写明新的内容 / "
            f"An identical objection from this contact was received at {received} for this publicity; it "
            "will be handled once. To add something, state the new grounds in the reason"
        )


def contact_key(contact: str) -> str:
    """What the duplicate rule compares: a phone number in one spelling (`objection_input.phone_number`;
    objections stored before it kept `+86…` as typed), an e-mail address in lower case."""
    return objection_input.phone_number(contact) or contact.strip().lower()


def _wake_older_diagram(ctx: Context, session, instance_id: str, receipt_no: str, now) -> None:
    """Instances still running a diagram version from before issue 13 wait for the objection as a
    message (`objection_received`); deliver it to them as before. The current diagram collects the
    objections when publicity ends and waits for no message: the engine answers Conflict, ignored."""
    row = instances.lock(session, instance_id)
    try:
        with session.begin_nested():
            run_command(ctx, session, row, PUBLIC,
                        lambda r, h, n: r.send_message(OLD_MESSAGE, {"receipt_no": receipt_no}, h, n), now)
    except Conflict:
        pass


def list_objections(ctx: Context, *, instance_id: str, actor: Actor) -> list[Objection]:
    with ctx.unit_of_work(write=False) as uow:
        instances.get_visible(uow.session, instance_id, actor)
        notice = consortia.current_notice(uow.session, instance_id)
        if notice is None:
            return []
        return list(uow.session.scalars(sa.select(Objection).where(Objection.notice_id == notice.id)))
