"""Objections one by one (issue 13 item 3; guideline 五（六）, DOMAIN-NOTES §3.2).

Objections are lodged during publicity (`publicity.lodge_objection`) and kept in the `objection` table.
When publicity ends the diagram collects them (`collect_objections`: the receipt numbers become the
collection `objections`) and the city clerk gets one `Task_HandleObjection` per objection (a parallel
multi-instance whose element variable `objection` is the receipt number, declared on the task as the
property `consortium.objection`). Completing one records that objection's finding only
(`record_finding`, the task listener `${objectionFinding}`); the others stay open. When every one is
handled, `conclude_objections` counts the upheld ones; the diagram files only when none was upheld.

The objector follows the objection with the receipt number and the verification code printed on the
receipt (`lookup_status`): a wrong pair is NotFound, whichever half is wrong.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.engine import ServiceCall
from workflows.extensions import DelegateContext

from ..actors import Actor
from ..context import Context
from ..engine.store import audit, tasks
from ..engine.store.models import ProcessInstance, StoredFile
from ..errors import Conflict, InvalidInput, NotFound
from .store import consortia
from .store.models import Objection, PublicityNotice

OBJECTION_PROPERTY = "consortium.objection"  # declared on the handling task: `${objection}`
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a printed receipt
CODE_LENGTH = 8
STATUS_TEXT = {
    "open": ("处理中", "Being handled"),
    "upheld": ("异议成立", "Upheld"),
    "dismissed": ("异议不成立", "Dismissed"),
}


def new_verification_code() -> str:
    """A random code of `CODE_LENGTH` characters from `CODE_ALPHABET` (about 40 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def notice_objections(session: Session, instance_id: str) -> list[Objection]:
    """Every objection against the instance's current publicity notice, oldest first."""
    notice = consortia.current_notice(session, instance_id)
    if notice is None:
        return []
    return list(
        session.scalars(
            sa.select(Objection).where(Objection.notice_id == notice.id).order_by(Objection.id)
        )
    )


def _find(session: Session, instance_id: str, receipt_no: str) -> Objection:
    for objection in notice_objections(session, instance_id):
        if objection.receipt_no == receipt_no:
            return objection
    raise NotFound(f"未找到异议 {receipt_no} / No objection {receipt_no} for this application")


def record_finding(context: DelegateContext) -> None:
    """`${objectionFinding}` (task listener, complete, on the objection handling task): the finding of
    the one objection the task is about (its declared `consortium.objection`), recorded on that
    objection's row only: status upheld | dismissed, the finding (why), the decision document, who, when.

    Raises:
        InvalidInput: the task declares no objection (a diagram without the property).
        NotFound: the declared receipt is not an objection of this application's notice.
        Conflict: that objection was already concluded.
    """
    task = context.task
    if task is None:
        return
    receipt_no = str(task.properties.get(OBJECTION_PROPERTY) or "")
    if not receipt_no:
        raise InvalidInput(
            "该任务未指明所处理的异议 / The task does not name the objection it handles",
            {OBJECTION_PROPERTY: ["须在流程图中声明 / must be declared on the task"]},
        )
    session: Session = context.session
    objection = _find(session, context.instance_id, receipt_no)
    if objection.status != "open":
        raise Conflict(f"异议 {receipt_no} 已处理 / Objection {receipt_no} was already concluded")
    data = task.data
    objection.status = "upheld" if data.get("objection_decision") == "upheld" else "dismissed"
    objection.conclusion = str(data.get("objection_finding") or "").strip() or None
    objection.finding_document = str(data.get("finding_document") or "").strip() or None
    objection.decided_by = getattr(context.actor, "id", None)
    objection.decided_at = context.now
    audit.record(
        session,
        actor=context.actor,
        action="objection.concluded",
        at=context.now,
        instance_id=context.instance_id,
        task_id=task.id,
        element_id=task.element_id,
        detail={"receipt_no": receipt_no, "decision": objection.status},
    )


def handlers(session: Session, row: ProcessInstance, actor: Actor, now: datetime
             ) -> dict[str, Callable[[ServiceCall], dict[str, Any] | None]]:
    """The diagram's objection topics, bound to the command's transaction:
    `collect_objections` -> {"objections": [receipt_no, …]} (the open ones, oldest first) and
    `conclude_objections` -> {"objections_upheld": n, "objections_dismissed": m}."""

    def collect(call: ServiceCall) -> dict[str, Any]:
        found = [o.receipt_no for o in notice_objections(session, row.id) if o.status == "open"]
        audit.record(session, actor=actor, action="objections.collected", at=now, instance_id=row.id,
                     element_id=call.element_id, detail={"receipts": found})
        return {"objections": found}

    def conclude(call: ServiceCall) -> dict[str, Any]:
        all_of = notice_objections(session, row.id)
        still_open = [o.receipt_no for o in all_of if o.status == "open"]
        if still_open:  # each handling task concludes its own; none may be left behind
            raise ValueError(f"{call.element_id}: objections still open: {', '.join(still_open)}")
        upheld = sum(1 for o in all_of if o.status == "upheld")
        return {"objections_upheld": upheld, "objections_dismissed": len(all_of) - upheld}

    return {"collect_objections": collect, "conclude_objections": conclude}


@dataclass(frozen=True)
class Attachment:
    id: str
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ObjectionView:
    """An objection as the handling clerk sees it (the bureau sees the objector's identity in full)."""

    receipt_no: str
    objector_name: str
    objector_unit: str | None
    contact: str
    reason: str
    received_at: datetime
    status: str
    conclusion: str | None
    attachments: list[Attachment]


def view_for_task(ctx: Context, *, task_id: str, actor: Actor) -> ObjectionView | None:
    """The objection a handling task is about, with its attachments; None for any other task.

    Raises:
        NotFound: the caller cannot see the task.
    """
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        task = tasks.get_visible(session, task_id, actor)
        receipt_no = task.properties.get(OBJECTION_PROPERTY)
        if not receipt_no:
            return None
        objection = _find(session, task.instance_id, str(receipt_no))
        files = session.scalars(
            sa.select(StoredFile)
            .where(StoredFile.purpose == "objection", StoredFile.reference == objection.receipt_no,
                   StoredFile.instance_id == task.instance_id)
            .order_by(StoredFile.uploaded_at)
        )
        return ObjectionView(
            receipt_no=objection.receipt_no,
            objector_name=objection.objector_name,
            objector_unit=objection.objector_unit,
            contact=objection.contact,
            reason=objection.reason,
            received_at=objection.received_at,
            status=objection.status,
            conclusion=objection.conclusion,
            attachments=[Attachment(f.id, f.name, f.sha256, f.size) for f in files],
        )


def lookup_status(ctx: Context, *, receipt_no: str, verification_code: str) -> dict[str, Any]:
    """The status of one objection for its objector: receipt number and verification code must match.

    Returns {"receiptNo", "applicationNo", "receivedAt", "status", "statusText": [zh, en],
    "conclusion" (once concluded, else None), "decidedAt"}.

    Raises:
        NotFound: no objection with this receipt number and this code (the same answer for either half).
    """
    receipt_no = (receipt_no or "").strip()
    code = (verification_code or "").strip().upper()
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        objection = session.scalars(sa.select(Objection).where(Objection.receipt_no == receipt_no)).first()
        if (objection is None or not objection.verification_code
                or not secrets.compare_digest(objection.verification_code, code)):
            raise NotFound("回执编号或查询码不正确 / No objection with this receipt number and code")
        notice = session.get(PublicityNotice, objection.notice_id)
        record = consortia.find_by_instance(session, notice.instance_id) if notice else None
        concluded = objection.status != "open"
        return {
            "receiptNo": objection.receipt_no,
            "applicationNo": record.application_no if record else None,
            "receivedAt": objection.received_at.isoformat(),
            "status": objection.status,
            "statusText": list(STATUS_TEXT.get(objection.status, (objection.status, objection.status))),
            "conclusion": objection.conclusion if concluded else None,
            "decidedAt": objection.decided_at.isoformat() if concluded and objection.decided_at else None,
        }
