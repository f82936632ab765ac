"""Task_DecideLeadFailure: the city bureau decides whether the lead unit failed its agreement.

Guideline 七（三）: "牵头单位组织不力，未按共建协议履约的，取消创新联合体牵头单位资格，
三年内不得牵头组建或作为核心层参与其他创新联合体建设".
The consortium then continues under a new lead (a current member) or is revoked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, CreditCode, Text
from .messages import Msg

FINDINGS: dict[str, tuple[str, str]] = {
    "failed": ("组织不力、未按协议履约", "Failed its agreement"),
    "not_failed": ("不构成履约失职", "Did not fail"),
}
NEXT_STEPS: dict[str, tuple[str, str]] = {
    "new_lead": ("由成员单位接任牵头单位", "A member takes over as lead"),
    "revoke": ("取消备案", "Revoke the filing"),
}


class LeadFailureDecisionForm(FormSchema):
    form_key = "lead_failure_decision"
    title_zh = "牵头单位履约情况认定"
    title_en = "Decision on the lead unit's performance"
    required_when = (
        RequiredWhen(
            "decision_document",
            "finding",
            ("failed",),
            Msg("认定失职须填写处理决定文号", "Give the decision document number."),
        ),
        RequiredWhen("next_step", "finding", ("failed",), Msg("请选择后续处理", "Choose what happens next.")),
        RequiredWhen(
            "new_lead_credit_code",
            "next_step",
            ("new_lead",),
            Msg("请填写接任牵头单位", "Name the unit that takes over as lead."),
        ),
    )

    finding = Choice(FINDINGS, required=True, metadata=label("认定结论", "Finding"))
    finding_detail = Text(required=True, max_length=10000, metadata=label("认定事实", "Facts found"))
    decision_document = Text(max_length=200, metadata=label("处理决定文号", "Decision document"))
    next_step = Choice(NEXT_STEPS, allow_none=True, metadata=label("后续处理", "Next step"))
    new_lead_credit_code = CreditCode(allow_none=True, metadata=label("接任牵头单位", "New lead unit"))

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """The new lead must be a current member other than the unit that failed."""
        code = data.get("new_lead_credit_code")
        if data.get("next_step") != "new_lead" or not code:
            return {}
        members = {m["credit_code"] for m in variables.get("current_members") or []}
        if code == variables.get("lead_credit_code") or code not in members:
            return {
                "new_lead_credit_code": [
                    Msg(
                        "接任牵头单位须为现有成员单位",
                        "The new lead must be a current member (not the failed lead).",
                    )
                ]
            }
        return {}
