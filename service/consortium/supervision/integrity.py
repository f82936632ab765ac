"""The research credit record (科研信用档案) and the restrictions it imposes, checked automatically.

Guideline 七（三）/（四）: a lead unit that failed its agreement may not lead or be a core member of any
consortium for three years; dishonest units are entered in the record. The register is keyed by credit
code (or personal ID), so a restriction follows the organisation into any new application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from forms.checks import resident_id_problem, uscc_problem
from forms.messages import Msg

from ...actors import CITY_CLERK, Actor
from ...clock import local_today
from ...context import Context
from ...engine.calendar import add_years
from ...engine.store import audit
from ...errors import Forbidden, InvalidInput
from ..store import supervision as store
from ..store.models import Consortium
from ..store.supervision_models import IntegrityRecord
from . import date_bounds

BAN_YEARS = 3
NO_LEAD_OR_CORE = "no_lead_or_core"
PERMANENT = date(9999, 12, 31)  # a restriction the decision made permanent (no end date)
RECORD_TYPES = {
    "lead_unit_failure": "牵头单位组织不力、未按共建协议履约",
    "dishonesty": "失信行为",
    "falsification": "弄虚作假",
    "judicial_referral": "涉嫌犯罪，移交司法机关",
    "other": "其他",
}


def restriction_refusal(session: Session, credit_code: str, on: date, *, as_what: str) -> Msg | None:
    """Why `credit_code` may not act `as_what` ("lead" or "core") on day `on`, or None when it may."""
    found = store.restrictions_in_force(session, credit_code, on)
    if not found:
        return None
    entry = found[0]
    role_zh, role_en = {
        "lead": ("牵头组建", "lead"),
        "core": ("作为核心层参与", "be a core member of"),
        "chief": ("担任首席专家参与", "be the chief expert of"),
    }[as_what]
    kind = RECORD_TYPES.get(entry.record_type, entry.record_type)
    if entry.restriction_until == PERMANENT:
        when_zh, when_en = "永久", "ever"
    else:
        until = entry.restriction_until.isoformat()
        when_zh, when_en = f"{until}（含）前", f"until {until} inclusive"
    return Msg(
        f"{entry.subject_name}因{kind}已记入科研信用档案（{entry.decision_document}），"
        f"{when_zh}不得{role_zh}创新联合体",
        f"{entry.subject_name} is in the research credit record ({entry.decision_document}, "
        f"{entry.record_type}) and may not {role_en} a consortium {when_en}.",
    )


def require_may_lead(session: Session, credit_code: str, on: date) -> None:
    """Refuse an application whose lead unit is restricted, saying why and until when.

    Raises:
        InvalidInput: the unit is under a restriction on `on`.
    """
    refusal = restriction_refusal(session, credit_code, on, as_what="lead")
    if refusal is not None:
        raise InvalidInput(refusal, {"lead_credit_code": [refusal]})


def ban_from_leading(
    session: Session,
    *,
    credit_code: str,
    name: str,
    decision_document: str,
    description: str,
    consortium_id: int,
    instance_id: str,
    actor: Actor,
    now: datetime,
) -> IntegrityRecord:
    """Enter a lead-unit failure: no leading and no core membership for three years from the decision."""
    decided = local_today(now)
    return _enter(
        session,
        IntegrityRecord(
            subject_kind="org",
            subject_id=credit_code,
            subject_name=name,
            record_type="lead_unit_failure",
            restriction=NO_LEAD_OR_CORE,
            description=description,
            decision_document=decision_document,
            decided_on=decided,
            restriction_from=decided,
            restriction_until=add_years(decided, BAN_YEARS),
            consortium_id=consortium_id,
            instance_id=instance_id,
        ),
        actor,
        now,
    )


@dataclass(frozen=True)
class IntegrityEvent:
    """An entry a clerk records by hand (dishonesty found elsewhere, a court decision, a referral ...).

    A restriction (no leading, no 核心层 membership) has an end date or is explicitly `permanent`; a
    `judicial_referral` (移交司法机关, 七（四）) names the authority and the day it was referred.
    """

    subject_kind: str
    subject_id: str
    subject_name: str
    record_type: str
    description: str
    decision_document: str
    decided_on: date
    restriction_until: date | None = None
    restricts: bool = False
    permanent: bool = False
    referral_authority: str | None = None
    referred_on: date | None = None
    #: The consortium whose page the entry was made from (shown in its supervision record), if any.
    consortium_id: int | None = None


def _subject_problem(kind: str, subject_id: str) -> str | None:
    """Why `subject_id` cannot be the subject (breakit F13): an organisation's USCC or a person's
    resident ID number, each with its check character; an entry no one matches restricts no one."""
    problem = uscc_problem(subject_id) if kind == "org" else resident_id_problem(subject_id)
    if problem is None:
        return None
    what = ("统一社会信用代码", "unified social credit code") if kind == "org" else (
        "居民身份证号码", "resident ID number")
    return f"{what[0]}无效：{problem.zh} / Not a valid {what[1]}: {problem.en}"


def record_integrity_event(ctx: Context, *, actor: Actor, event: IntegrityEvent) -> int:
    """Enter an event in the register; a restriction end makes it block leading and core membership.

    Raises:
        Forbidden: only the city bureau keeps the register.
        InvalidInput: unknown type or subject kind, a subject id that is no valid USCC (org) or resident
            ID number (person) with its check character, a decision day in the future or before 2000,
            or a restriction ending before the decision.
        (also InvalidInput when `consortium_id` names no consortium)
    """
    if not actor.has(CITY_CLERK):
        raise Forbidden("只有市科技局可以记录科研信用档案 / Only the city bureau keeps the credit record")
    problems: dict[str, list[str]] = {}
    if event.record_type not in RECORD_TYPES:
        problems["record_type"] = [f"未知类型 / Unknown type: {', '.join(RECORD_TYPES)}"]
    if event.subject_kind not in ("org", "person"):
        problems["subject_kind"] = ["应为 org 或 person / Must be org or person"]
    if event.restriction_until and event.restriction_until < event.decided_on:
        problems["restriction_until"] = ["限制截止日不能早于决定日 / Ends before the decision"]
    restricts = event.restricts or event.permanent or event.restriction_until is not None
    if event.permanent and event.restriction_until:
        problems["restriction_until"] = ["永久限制不设截止日 / A permanent restriction has no end date"]
    elif restricts and not event.permanent and not event.restriction_until:
        problems["restriction_until"] = [
            "限制须有截止日期，或明确为永久限制 / A restriction needs an end date or must be marked permanent"
        ]
    if event.record_type == "judicial_referral":
        if not (event.referral_authority or "").strip():
            problems["referral_authority"] = ["请填写移交的司法机关 / Name the authority referred to"]
        if event.referred_on is None:
            problems["referred_on"] = ["请填写移交日期 / Give the day of the referral"]
        elif event.referred_on < event.decided_on:
            problems["referred_on"] = ["移交日期不能早于决定日 / Referred before the decision"]
    for name in ("subject_id", "subject_name", "decision_document", "description"):
        if not (getattr(event, name) or "").strip():
            problems[name] = ["此项为必填项 / Required"]
    now = ctx.now()
    if "subject_id" not in problems and event.subject_kind in ("org", "person"):
        subject_problem = _subject_problem(event.subject_kind, event.subject_id.strip().upper())
        if subject_problem:
            problems["subject_id"] = [subject_problem]
    date_bounds.check_past(event.decided_on, "decided_on", problems, local_today(now))
    if problems:
        raise InvalidInput("信用档案信息有误 / The entry has errors", problems)
    with ctx.unit_of_work() as uow:
        if event.consortium_id is not None and uow.session.get(Consortium, event.consortium_id) is None:
            raise InvalidInput(
                "创新联合体不存在 / No such consortium", {"consortium_id": ["不存在 / does not exist"]}
            )
        entry = _enter(
            uow.session,
            IntegrityRecord(
                subject_kind=event.subject_kind,
                subject_id=event.subject_id.strip().upper(),
                subject_name=event.subject_name.strip(),
                record_type=event.record_type,
                restriction=NO_LEAD_OR_CORE if restricts else "none",
                description=event.description.strip(),
                decision_document=event.decision_document.strip(),
                decided_on=event.decided_on,
                restriction_from=event.decided_on if restricts else None,
                restriction_until=PERMANENT if event.permanent else event.restriction_until,
                referral_authority=(event.referral_authority or "").strip() or None,
                referred_on=event.referred_on,
                consortium_id=event.consortium_id,
            ),
            actor,
            now,
        )
        uow.commit()
        entry_id = entry.id
    if restricts and event.subject_kind == "org":  # the ban reaches the roles the unit holds today
        from .ban_reach import open_cases_for_restricted_leads  # late: it starts instances

        open_cases_for_restricted_leads(ctx, actor=actor)
    return entry_id


def list_integrity_records(ctx: Context, *, actor: Actor, subject_id: str | None = None) -> list[dict]:
    """The register as the caller may see it: the bureau sees all, a unit only its own entries."""
    with ctx.unit_of_work(write=False) as uow:
        if not actor.sees_everything:
            if not actor.org_credit_code or (subject_id and subject_id != actor.org_credit_code):
                return []
            subject_id = actor.org_credit_code
        return [describe(e) for e in store.integrity_records(uow.session, subject_id)]


def describe(entry: IntegrityRecord) -> dict:
    return {
        "id": entry.id,
        "subjectKind": entry.subject_kind,
        "subjectId": entry.subject_id,
        "subjectName": entry.subject_name,
        "type": entry.record_type,
        "restriction": entry.restriction,
        "decisionDocument": entry.decision_document,
        "decidedOn": entry.decided_on.isoformat(),
        "restrictionUntil": (
            entry.restriction_until.isoformat()
            if entry.restriction_until and entry.restriction_until != PERMANENT
            else None
        ),
        "permanent": entry.restriction_until == PERMANENT,
        "referralAuthority": entry.referral_authority,
        "referredOn": entry.referred_on.isoformat() if entry.referred_on else None,
        "consortiumId": entry.consortium_id,
    }


def record_false_materials(
    session: Session,
    *,
    credit_code: str,
    name: str,
    finding: str,
    decision_document: str,
    consortium_id: int | None,
    instance_id: str,
    actor: Actor,
    now: datetime,
) -> IntegrityRecord:
    """Enter, in the caller's transaction, a unit whose application an upheld objection found to rest on
    false materials (七（四）: 承诺材料真实、有效、完整; 失信行为列入科研信用档案). A record, no restriction:
    the guideline sets none; a clerk may add one by hand (`record_integrity_event`)."""
    return _enter(
        session,
        IntegrityRecord(
            subject_kind="org",
            subject_id=credit_code,
            subject_name=name,
            record_type="falsification",
            restriction="none",
            description=finding,
            decision_document=decision_document,
            decided_on=local_today(now),
            consortium_id=consortium_id,
            instance_id=instance_id,
        ),
        actor,
        now,
    )


def _enter(session: Session, entry: IntegrityRecord, actor: Actor, now: datetime) -> IntegrityRecord:
    entry.recorded_by, entry.recorded_at = actor.id, now
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="integrity.recorded",
        at=now,
        instance_id=entry.instance_id,
        detail={
            "subject": entry.subject_id,
            "type": entry.record_type,
            "until": entry.restriction_until.isoformat() if entry.restriction_until else None,
        },
    )
    return entry
