"""The organisation register staff keep (issue 14, item 4) and the lead-unit rule (四（一）1, item 3).

An organisation is registered with its unified social credit code, name, category and district. The
category is checked against what the code itself says (GB 32100: registration department and kind,
`forms.checks.category_problem`), so an enterprise cannot be registered as a university; a research
institute registered as a company (91…) counts as an institute only with a clerk's confirmation. Staff
register `verified` organisations; a unit a lead unit invites without it being in the register is
registered `pending` (`register_pending`) and counts for nothing until a clerk confirms it
(`confirm_organisation`). The member thresholds count the register's categories
(`membership_checks.py`), never the lead unit's declaration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from forms.checks import (
    CATEGORY_NAMES,
    QINGDAO_DIVISION_PREFIX,
    Overridable,
    category_problem,
    lead_unit_problem,
    normalize_code,
    uscc_problem,
)
from forms.messages import Msg

from ..actors import ADMIN, CITY_CLERK, DISTRICT_CLERK, Actor
from ..context import Context
from ..engine.store import audit
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from .store import consortia
from .store.models import Organisation

STAFF = (CITY_CLERK, DISTRICT_CLERK, ADMIN)
MIN_REASON = 4  # characters: a reason is a sentence, not "ok"
VERIFICATION_NAMES = {"verified": ("已核实", "Verified"), "pending": ("待核实", "Pending verification")}


def describe(org: Organisation) -> dict[str, Any]:
    """A JSON-safe view of one registered organisation."""
    zh, en = CATEGORY_NAMES.get(org.category, (org.category, org.category))
    return {
        "creditCode": org.credit_code,
        "name": org.name,
        "category": org.category,
        "categoryName": f"{zh} / {en}",
        "district": org.district,
        "verification": org.verification,
        "verificationName": " / ".join(VERIFICATION_NAMES.get(org.verification, (org.verification,) * 2)),
        "categoryConfirmedBy": org.category_confirmed_by,
        "categoryConfirmationReason": org.category_confirmation_reason,
        "leadCheckOverriddenBy": org.check_override_by,
        "leadCheckOverrideReason": org.check_override_reason,
        "registeredBy": org.registered_by,
    }


def _text(msg: Msg | str) -> str:
    return str(msg)  # a Msg is already "中文 / English"


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


def check_registration(
    session: Session,
    *,
    credit_code: str,
    name: str,
    category: str,
    district: str | None,
    confirmation_reason: str | None,
    clerk: bool,
) -> tuple[dict[str, list[str]], str | None, bool]:
    """Problems by field, the district's listed name, and whether a clerk's confirmation was used.

    A check-character mismatch or an enterprise-coded institute needs `confirmation_reason` from a clerk;
    without `clerk`, such a unit may still be registered pending (the caller decides).
    """
    problems: dict[str, list[str]] = {}
    confirmed = False
    code_problem = uscc_problem(credit_code)
    if code_problem is not None and not isinstance(code_problem, Overridable):
        return {"credit_code": [_text(code_problem)]}, None, False
    if _blank(name) or len(name.strip()) > 200:
        problems["name"] = ["请填写单位名称（不超过200字） / Enter the name (at most 200 characters)"]
    overridable = [code_problem] if code_problem else []
    if category not in CATEGORY_NAMES:
        problems["category"] = [
            f"单位类别须为 {', '.join(CATEGORY_NAMES)} 之一 / Category must be one of them"
        ]
    else:
        fit = category_problem(credit_code, category)
        if fit is not None and not isinstance(fit, Overridable):
            problems["category"] = [_text(fit)]
        elif fit is not None:
            overridable.append(fit)
    for problem in overridable:
        if clerk and len((confirmation_reason or "").strip()) >= MIN_REASON:
            confirmed = True
        elif clerk:
            field = "category" if problem is not code_problem else "credit_code"
            problems.setdefault(field, []).append(
                _text(problem) + "（请填写确认说明 / give the confirmation reason）"
            )
    listed = None
    if not _blank(district):
        found = consortia.resolve_district(session, district)
        if found is None:
            problems["district"] = [consortia.district_refusal(session, district.strip()) or ""]
        else:
            listed = found.name
    elif credit_code[2:8].startswith(QINGDAO_DIVISION_PREFIX):
        problems["district"] = [
            "在青岛市登记的单位须选择所在区（市、功能区） / A unit registered in Qingdao needs its district"
        ]
    return problems, listed, confirmed


def register_organisation(
    ctx: Context,
    *,
    actor: Actor,
    credit_code: str,
    name: str,
    category: str,
    district: str | None = None,
    confirmation_reason: str | None = None,
) -> dict[str, Any]:
    """Register an organisation as verified (staff only); a pending one with the same code is verified.

    Raises:
        Forbidden: the caller is not a district or city clerk or an administrator.
        InvalidInput: a malformed code, a category the code contradicts (an enterprise as a university),
            a district not on the list ("火星区"), a Qingdao unit without a district, a confirmation needed.
        Conflict: the code is already registered and verified.
    """
    if not actor.has(*STAFF):
        raise Forbidden("只有科技主管部门工作人员可以登记单位 / Only clerks register organisations")
    code = normalize_code(credit_code or "")
    with ctx.unit_of_work() as uow:
        session = uow.session
        problems, listed, confirmed = check_registration(
            session,
            credit_code=code,
            name=name or "",
            category=category,
            district=district,
            confirmation_reason=confirmation_reason,
            clerk=True,
        )
        if problems:
            raise InvalidInput("单位信息有误 / Invalid organisation", problems)
        org = consortia.find_organisation(session, code)
        if org is not None and org.verification == "verified":
            raise Conflict(f"该单位已登记 / Organisation {code} is already registered")
        if org is None:
            org = Organisation(credit_code=code, name=name.strip(), category=category)
            session.add(org)
        org.name, org.category, org.district = name.strip(), category, listed
        org.verification, org.registered_by = "verified", org.registered_by or actor.id
        if confirmed:
            org.category_confirmed_by = actor.id
            org.category_confirmation_reason = confirmation_reason.strip()
        session.flush()
        audit.record(
            session, actor=actor, action="organisation.registered", at=ctx.now(), detail=describe(org)
        )
        uow.commit()
        return describe(org)


def register_pending(
    session: Session, *, actor: Actor, credit_code: str, name: str, category: str, now
) -> tuple[Organisation | None, list[str]]:
    """Register a unit a lead unit names but the register lacks, pending verification (in the caller's
    transaction). Returns (the organisation, []) or (None, refusals for the category field)."""
    problems, _, _ = check_registration(
        session,
        credit_code=credit_code,
        name=name,
        category=category,
        district=None,
        confirmation_reason=None,
        clerk=False,
    )
    problems.pop("district", None)  # staff add the district on verification
    if problems:
        return None, [m for messages in problems.values() for m in messages]
    org = Organisation(
        credit_code=credit_code,
        name=name.strip(),
        category=category,
        verification="pending",
        registered_by=actor.id,
    )
    session.add(org)
    session.flush()
    audit.record(session, actor=actor, action="organisation.registered_pending", at=now, detail=describe(org))
    return org, []


def confirm_organisation(
    ctx: Context,
    *,
    actor: Actor,
    credit_code: str,
    reason: str | None = None,
    district: str | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    """A clerk verifies a pending organisation (and confirms a category its code does not show).

    Raises Forbidden (not staff), NotFound, InvalidInput (as `register_organisation`), Conflict (already
    verified and nothing to confirm).
    """
    if not actor.has(*STAFF):
        raise Forbidden("只有科技主管部门工作人员可以核实单位 / Only clerks verify organisations")
    with ctx.unit_of_work() as uow:
        session = uow.session
        org = consortia.find_organisation(session, normalize_code(credit_code))
        if org is None:
            raise NotFound(f"单位不存在 / No organisation with credit code {credit_code}")
        category = category or org.category
        problems, listed, confirmed = check_registration(
            session,
            credit_code=org.credit_code,
            name=org.name,
            category=category,
            district=district or org.district,
            confirmation_reason=reason,
            clerk=True,
        )
        if problems:
            raise InvalidInput("单位信息有误 / Invalid organisation", problems)
        if org.verification == "verified" and not confirmed and category == org.category:
            raise Conflict(f"该单位已核实 / Organisation {org.credit_code} is already verified")
        org.category, org.district, org.verification = category, listed, "verified"
        if confirmed:
            org.category_confirmed_by, org.category_confirmation_reason = actor.id, reason.strip()
        audit.record(session, actor=actor, action="organisation.verified", at=ctx.now(), detail=describe(org))
        uow.commit()
        return describe(org)


def override_lead_check(ctx: Context, *, actor: Actor, credit_code: str, reason: str) -> dict[str, Any]:
    """A city clerk lets an organisation lead although its code fails the lead-unit rule (四（一）1), with a
    reason; audited. Raises Forbidden (not a city clerk), NotFound, InvalidInput (no reason)."""
    if not actor.has(CITY_CLERK):
        raise Forbidden("只有市科技局可以准予例外 / Only the city bureau may override the lead-unit check")
    if len((reason or "").strip()) < MIN_REASON:
        raise InvalidInput(
            "请说明理由 / Give the reason",
            {"reason": [f"理由不少于{MIN_REASON}字 / At least {MIN_REASON} characters"]},
        )
    with ctx.unit_of_work() as uow:
        org = consortia.find_organisation(uow.session, normalize_code(credit_code))
        if org is None:
            raise NotFound(f"单位不存在 / No organisation with credit code {credit_code}")
        org.check_override_by, org.check_override_reason = actor.id, reason.strip()
        audit.record(
            uow.session,
            actor=actor,
            action="organisation.lead_check_overridden",
            at=ctx.now(),
            detail={"credit_code": org.credit_code, "reason": reason.strip()},
        )
        uow.commit()
        return describe(org)


def lead_refusal(org: Organisation) -> str | None:
    """Why `org` may not lead a consortium (guideline 四（一）1), bilingual, or None.

    Waived only by a city clerk's recorded override (`override_lead_check`).
    """
    if org.verification != "verified":
        return "牵头单位尚未经科技主管部门核实 / The lead unit is not yet verified by a clerk"
    if org.check_override_by:
        return None
    problem = lead_unit_problem(org.credit_code, org.category)
    return _text(problem) if problem else None


def list_organisations(
    ctx: Context, *, actor: Actor, verification: str | None = None
) -> list[dict[str, Any]]:
    """The register (every signed-in user may read it: lead units pick members from it)."""
    with ctx.unit_of_work(write=False) as uow:
        rows = consortia.list_organisations(uow.session)
        return [describe(o) for o in rows if verification is None or o.verification == verification]


def organisation_problem(session: Session, credit_code: str) -> str | None:
    """The domain's `organisation_checks` hook (domain_plugin.py): why a user may not belong to
    `credit_code` (no such registered unit), or None. The generic user administration
    (engine/identities.py) asks it without knowing the register."""
    if consortia.find_organisation(session, credit_code) is None:
        return f"单位未登记 / No organisation with credit code {credit_code}"
    return None


def district_check(session: Session, district: str) -> tuple[str | None, str | None]:
    """The domain's `district_checks` hook: (the listed name, None) for a district on the 区（市、功能区）
    list (e.g. 黄岛区 → 西海岸新区), or (None, the refusal naming the valid ones) — issue 14, item 5."""
    listed = consortia.resolve_district(session, district)
    if listed is None:
        refusal = consortia.district_refusal(session, district)
        return None, refusal or f"未知的区（市、功能区） / Unknown district {district}"
    return listed.name, None
