"""Checks of submitted forms against the credit record: a restricted unit is refused as a core member.

Forms are pure (they see only process variables); these checks need the register, so the task use case
runs them after the form validated, before anything is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from .integrity import restriction_refusal

Check = Callable[[Session, Mapping[str, Any], Mapping[str, Any], date], dict[str, Any]]


def _core_members(field: str) -> Check:
    """Each listed member with role `core` must not be restricted (by list index, like form errors)."""

    def check(session: Session, data: Mapping[str, Any], context: Mapping[str, Any], today: date) -> dict:
        errors = {}
        for index, item in enumerate(data.get(field) or []):
            if item.get("role") == "core":
                refusal = restriction_refusal(session, item["credit_code"], today, as_what="core")
                if refusal:
                    errors[index] = {"credit_code": [refusal]}
        return {field: errors} if errors else {}

    return check


def _confirming_member(
    session: Session, data: Mapping[str, Any], context: Mapping[str, Any], today: date
) -> dict:
    """An invited core member cannot confirm while restricted (it may still decline)."""
    member = context.get("item") or context.get("member") or {}
    if data.get("decision") != "confirm" or member.get("role") != "core":
        return {}
    refusal = restriction_refusal(session, member.get("credit_code") or "", today, as_what="core")
    return {"decision": [refusal]} if refusal else {}


def _new_lead(session: Session, data: Mapping[str, Any], context: Mapping[str, Any], today: date) -> dict:
    code = data.get("new_lead_credit_code")
    if data.get("next_step") != "new_lead" or not code:
        return {}
    refusal = restriction_refusal(session, code, today, as_what="lead")
    return {"new_lead_credit_code": [refusal]} if refusal else {}


def _chief_expert(
    session: Session, data: Mapping[str, Any], context: Mapping[str, Any], today: date
) -> dict:
    """A person under restriction in the credit record may not be hired as chief expert (七（四）: 承担单位
    及相关人员存在失信行为的，列入科研信用档案; persons are keyed by their ID number)."""
    chief = data.get("chief_expert") or {}
    refusal = restriction_refusal(session, str(chief.get("id_number") or ""), today, as_what="chief")
    return {"chief_expert": {"id_number": [refusal]}} if refusal else {}


def _correction(
    session: Session, data: Mapping[str, Any], context: Mapping[str, Any], today: date
) -> dict:
    """A correction (issue 13 item 2) is checked like the steps whose sections it sends again."""
    errors: dict[str, Any] = {}
    if data.get("invited_members"):
        errors.update(_core_members("invited_members")(session, data, context, today))
    if data.get("chief_expert"):
        errors.update(_chief_expert(session, data, context, today))
    return errors


CHECKS: dict[str, Check] = {
    "correct_application": _correction,
    "invite_members": _core_members("invited_members"),
    "confirm_membership": _confirming_member,
    "propose_member_change": _core_members("additions"),
    "lead_failure_decision": _new_lead,
    "hire_chief_expert": _chief_expert,
}


def check_against_register(
    session: Session, form_key: str | None, data: Mapping[str, Any], context: Mapping[str, Any], today: date
) -> None:
    """Raises InvalidInput naming each restricted unit, why and until when."""
    check = CHECKS.get(form_key or "")
    errors = check(session, data, context, today) if check else {}
    if errors:
        raise InvalidInput("科研信用档案限制 / Refused by the research credit record", errors)
