"""Members come from the organisation register, and the thresholds count its categories (issue 14, item 4).

Runs before the lead unit's member list (`invite_members`) is saved. Each invited unit is looked up in the
register: a registered unit must be invited under its registered category (an enterprise typed as a
university is refused, naming both); an unknown one is registered `pending` when its code fits the
declared category (`organisations.register_pending`) and refused when it does not. Guideline 三（二）
"产业链上下游企业原则上不少于3家，高校院所原则上不少于2家" is then counted over verified register entries
only, so a pending unit or a declaration cannot meet it; fewer need the written justification.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from forms.checks import CATEGORY_NAMES, MIN_ENTERPRISES, MIN_UNIVERSITIES_INSTITUTES, normalize_code

from ..actors import Actor
from ..engine.store.models import HumanTask, ProcessInstance
from ..errors import InvalidInput
from .organisations import register_pending
from .store import consortia

FORM_KEY = "invite_members"
ADDITIONS_FORM_KEY = "propose_member_change"  # members added by supplementary agreement (七（三）)
CORRECTION_FORM_KEY = "correct_application"  # a returned member list, corrected (issue 13 item 2)


def members_from_register(
    session: Session, row: ProcessInstance, task: HumanTask, data: dict[str, Any], actor: Actor, now: datetime
) -> None:
    """A `before_complete` hook. Raises InvalidInput with errors by member index (like the form's) and on
    `threshold_justification`; registers unknown units pending in the command's transaction."""
    if task.form_key == ADDITIONS_FORM_KEY:
        _register_items(session, actor, now, data.get("additions") or [], "additions")
        return
    if task.form_key != FORM_KEY and not (task.form_key == CORRECTION_FORM_KEY and "invited_members" in data):
        return
    errors: dict[Any, Any] = {}
    counted = {"enterprise": 0, "academic": 0}
    pending: list[str] = []
    for index, item in enumerate(data.get("invited_members") or []):
        org, refusals = _registered_unit(session, actor, now, item)
        if refusals:
            errors[index] = {"category": refusals}
            continue
        if org.verification != "verified":
            pending.append(org.name)
        elif org.category == "enterprise":
            counted["enterprise"] += 1
        elif org.category in ("university", "institute"):
            counted["academic"] += 1
    short = counted["enterprise"] < MIN_ENTERPRISES or counted["academic"] < MIN_UNIVERSITIES_INSTITUTES
    if not errors and short and not str(data.get("threshold_justification") or "").strip():
        note_zh = f"（待核实单位不计入：{'、'.join(pending)}）" if pending else ""
        note_en = f" (units pending verification do not count: {', '.join(pending)})" if pending else ""
        errors["threshold_justification"] = [
            f"按单位名录核定，成员单位中企业{counted['enterprise']}家、高校院所{counted['academic']}家{note_zh}；"
            f"原则上应不少于{MIN_ENTERPRISES}家企业和{MIN_UNIVERSITIES_INSTITUTES}家高校院所，"
            "不足时须填写书面说明 / "
            f"By the register there are {counted['enterprise']} enterprises and {counted['academic']} "
            f"universities or institutes{note_en}; in principle at least {MIN_ENTERPRISES} and "
            f"{MIN_UNIVERSITIES_INSTITUTES}, fewer need a written justification"
        ]
    if errors:
        member_errors = {k: v for k, v in errors.items() if isinstance(k, int)}
        fields: dict[str, Any] = {"invited_members": member_errors} if member_errors else {}
        if "threshold_justification" in errors:
            fields["threshold_justification"] = errors["threshold_justification"]
        raise InvalidInput("成员单位须来自单位名录 / Members are checked against the register", fields)


def _register_items(session: Session, actor: Actor, now: datetime, items: list, field: str) -> None:
    """Each unit to add is in the register under the category given, or is registered pending."""
    errors: dict[int, Any] = {}
    for index, item in enumerate(items):
        _, refusals = _registered_unit(session, actor, now, item)
        if refusals:
            errors[index] = {"category": refusals}
    if errors:
        raise InvalidInput(
            "成员单位须来自单位名录 / Members are checked against the register", {field: errors}
        )


def _registered_unit(session: Session, actor: Actor, now: datetime, item: dict) -> tuple[Any, list[str]]:
    """The register's unit for a form item `{credit_code, name, category}`, registered pending when unknown;
    with the category refusals (empty when the unit stands under the declared category)."""
    code = normalize_code(str(item.get("credit_code") or ""))
    declared = str(item.get("category") or "")
    org = consortia.find_organisation(session, code)
    if org is None:
        name = str(item.get("name") or "")
        return register_pending(session, actor=actor, credit_code=code, name=name, category=declared, now=now)
    if org.category != declared:
        return org, [_mismatch(org.name, org.category, declared)]
    return org, []


def _mismatch(name: str, registered: str, declared: str) -> str:
    registered_zh, registered_en = CATEGORY_NAMES.get(registered, (registered,) * 2)
    declared_zh, declared_en = CATEGORY_NAMES.get(declared, (declared,) * 2)
    return (
        f"单位名录中{name}登记为“{registered_zh}”，与填写的“{declared_zh}”不符 / "
        f"The register lists {name} as {registered_en}, not {declared_en}"
    )
