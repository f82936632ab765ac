"""Task_InviteMembers: the lead unit names the member units it invites."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from .base import FormSchema, duplicate_errors, is_blank, label
from .checks import member_threshold_problem, normalize_code
from .fields import Choice, CreditCode, Text
from .messages import Msg

CATEGORIES: dict[str, tuple[str, str]] = {
    "enterprise": ("企业", "Enterprise"),
    "university": ("高等院校", "University"),
    "institute": ("科研院所", "Research institute"),
    "other": ("其他", "Other"),
}
ROLES: dict[str, tuple[str, str]] = {
    "core": ("核心层成员", "Core member"),
    "general": ("一般成员", "General member"),
}


class MemberSchema(FormSchema):
    """One invited member unit; a pilot-era code that fails the check passes with a verification note."""

    check_char_overrides = {"credit_code": "credit_code_override_reason"}

    credit_code = CreditCode(required=True, metadata=label("统一社会信用代码", "Unified social credit code"))
    name = Text(required=True, max_length=200, metadata=label("单位名称", "Organisation name"))
    category = Choice(CATEGORIES, required=True, metadata=label("单位类别", "Category"))
    role = Choice(ROLES, required=True, metadata=label("成员角色", "Role"))
    credit_code_override_reason = Text(
        max_length=1000,
        metadata=label(
            "代码核对说明",
            "Credit-code verification note",
            "代码校验位不符（如试点期颁发的代码）时，说明核对情况",
        ),
    )


class InviteMembersForm(FormSchema):
    form_key = "invite_members"
    title_zh = "确定成员单位"
    title_en = "Invite member units"

    invited_members = fields.List(
        fields.Nested(MemberSchema),
        required=True,
        validate=validate.Length(
            min=1, error=Msg("请至少邀请一家成员单位", "Invite at least one member unit.")
        ),
        metadata=label("成员单位", "Member units"),
    )
    threshold_justification = Text(
        max_length=5000,
        metadata=label(
            "成员数量不足的书面说明",
            "Justification for fewer members",
            "成员单位原则上应有不少于3家企业和2家高校院所；不足时必须填写",
        ),
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _members(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        raw = original_data.get("invited_members") if isinstance(original_data, dict) else None
        if not isinstance(raw, list):
            return
        errors: dict[str, Any] = {}
        duplicates = duplicate_errors(raw, lambda item: normalize_code(item["credit_code"]))
        if duplicates:
            errors["invited_members"] = {i: {"credit_code": msgs} for i, msgs in duplicates.items()}
        # Count from the raw items (a member whose other fields failed still counts by its category),
        # each organisation once.
        distinct = [item for i, item in enumerate(raw) if isinstance(item, dict) and i not in duplicates]
        problem = member_threshold_problem(distinct)
        if problem and is_blank(data.get("threshold_justification")):
            errors["threshold_justification"] = [problem]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """The lead unit leads; inviting it as a member would count it twice toward the thresholds."""
        lead = normalize_code(str(variables.get("lead_credit_code") or ""))
        message = Msg("牵头单位不能同时作为成员单位", "The lead unit cannot also be a member.")
        errors = {
            i: {"credit_code": [message]}
            for i, member in enumerate(data.get("invited_members", []))
            if lead and member.get("credit_code") == lead
        }
        return {"invited_members": errors} if errors else {}
