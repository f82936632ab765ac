"""Task_ProposeChange: the lead unit proposes adding or removing members by a supplementary agreement.

Guideline 七（三）: members may be added or removed "经创新联合体全体成员同意，通过签署补充协议方式"; the
member thresholds of 三（二） still apply to the membership that results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from .base import FormSchema, duplicate_errors, is_blank, label
from .checks import member_threshold_problem, normalize_code
from .fields import CreditCode, FileRefSchema, IsoDate, Text
from .invite_members import MemberSchema
from .messages import Msg


class ProposeMemberChangeForm(FormSchema):
    form_key = "propose_member_change"
    title_zh = "成员变更（补充协议）"
    title_en = "Member change (supplementary agreement)"

    additions = fields.List(
        fields.Nested(MemberSchema), load_default=list, metadata=label("新增成员单位", "Members to add")
    )
    removals = fields.List(
        CreditCode(required=True),
        load_default=list,
        metadata=label("退出成员单位（信用代码）", "Members to remove"),
    )
    reason = Text(
        required=True, max_length=5000, metadata=label("变更理由", "Reason", "结合立项项目需要说明")
    )
    effective_on = IsoDate(required=True, metadata=label("拟生效日期", "Effective date"))
    agreement_summary = Text(
        required=True, max_length=10000, metadata=label("补充协议主要内容", "Agreement summary")
    )
    agreement_document = fields.Nested(
        FileRefSchema, allow_none=True, metadata=label("补充协议文本", "Agreement")
    )
    threshold_justification = Text(
        max_length=5000,
        metadata=label("成员数量不足的书面说明", "Justification for fewer members", "变更后成员不足时必填"),
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _change(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        raw = original_data if isinstance(original_data, dict) else {}
        if not raw.get("additions") and not raw.get("removals"):
            raise ValidationError(
                {"additions": [Msg("请至少新增或退出一家成员单位", "Add or remove at least one member.")]}
            )
        errors: dict[str, Any] = {}
        added = duplicate_errors(raw.get("additions"), lambda item: normalize_code(item["credit_code"]))
        if added:
            errors["additions"] = {i: {"credit_code": msgs} for i, msgs in added.items()}
        removed = duplicate_errors(raw.get("removals"), normalize_code)
        if removed:
            errors["removals"] = removed
        if errors:
            raise ValidationError(errors)

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """Removals must be current members other than the lead; additions must be new; thresholds hold."""
        current = {m["credit_code"]: m for m in variables.get("current_members") or []}
        lead = variables.get("lead_credit_code")
        errors: dict[str, Any] = {}
        not_member = Msg("该单位不是现有成员单位", "This unit is not a current member.")
        is_lead = Msg("不能通过成员变更退出牵头单位", "The lead unit cannot be removed by a member change.")
        bad_removals = {
            i: [is_lead if code == lead else not_member]
            for i, code in enumerate(data.get("removals") or [])
            if code == lead or code not in current
        }
        if bad_removals:
            errors["removals"] = bad_removals
        already = Msg("该单位已是成员单位", "This unit is already a member.")
        bad_additions = {
            i: {"credit_code": [already]}
            for i, item in enumerate(data.get("additions") or [])
            if item["credit_code"] in current or item["credit_code"] == lead
        }
        if bad_additions:
            errors["additions"] = bad_additions
        remaining = [
            m for code, m in current.items() if code != lead and code not in (data.get("removals") or [])
        ]
        problem = member_threshold_problem(remaining + list(data.get("additions") or []))
        if problem and is_blank(data.get("threshold_justification")):
            errors["threshold_justification"] = [problem]
        return errors
