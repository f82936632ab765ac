"""Task_RevocationDecision: after the hearing period, the city bureau decides on revocation (取消备案)
for an unqualified evaluation (guideline 七（二）; issue 14, item 2).

The city may maintain the filing whether or not the lead unit stated its case (a review can find, say,
a scoring error), so the `maintain` choice itself asserts no statement. Maintaining names its basis as a
structured choice (`maintain_basis`): the lead unit's statement upheld, or the bureau's own review, whose
facts (`reviewed_facts`) are then required. When the lead unit waived its hearing or let the period lapse
there is no statement to uphold, and that basis is refused (report A finding 8; it replaces the phrase
matching over the free-text reasons of report finding 6, which other wordings passed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Substantive, Text
from .messages import Msg

DECISIONS: dict[str, tuple[str, str]] = {
    "revoke": ("取消备案", "Revoke the filing"),
    "maintain": ("维持备案", "Maintain the filing"),
}
MAINTAIN_BASES: dict[str, tuple[str, str]] = {
    "statement_upheld": ("陈述申辩理由成立", "The lead unit's statement is upheld"),
    "review": ("经市科技局复核，评价结果有误", "The bureau's review found the evaluation result wrong"),
}
NO_STATEMENT = Msg(
    "牵头单位未提出陈述申辩（已放弃或期满未提出），不能以“陈述申辩理由成立”维持备案；"
    "如经复核维持备案，请选择“经市科技局复核，评价结果有误”并填写复核认定的事实",
    "The lead unit made no statement (waived, or the period lapsed): the filing cannot be maintained on "
    "its statement being upheld. If it is maintained on review, choose the review and give the facts it "
    "found.",
)


def statement_made(variables: Mapping[str, Any]) -> bool:
    """Whether the lead unit stated its case in Task_StateCase (not waived, not lapsed)."""
    return variables.get("hearing_choice") == "statement"


class EvaluationRevocationDecisionForm(FormSchema):
    form_key = "evaluation_revocation_decision"
    title_zh = "取消备案决定"
    title_en = "Decision on revocation"
    required_when = (
        RequiredWhen(
            "decision_document",
            "revocation_decision",
            ("revoke",),
            Msg("取消备案须填写决定文号", "Give the decision document number."),
        ),
        RequiredWhen(
            "maintain_basis",
            "revocation_decision",
            ("maintain",),
            Msg("维持备案须选择依据", "Choose the basis for maintaining the filing."),
        ),
        RequiredWhen(
            "reviewed_facts",
            "maintain_basis",
            ("review",),
            Msg("经复核维持备案须填写复核认定的事实", "Give the facts the review found."),
        ),
    )

    revocation_decision = Choice(DECISIONS, required=True, metadata=label("决定", "Decision"))
    maintain_basis = Choice(
        MAINTAIN_BASES,
        allow_none=True,
        metadata=label("维持备案的依据", "Basis for maintaining", "决定维持备案时必选"),
    )
    reviewed_facts = Substantive(
        allow_none=True,
        max_length=10000,
        min_distinct=8,
        metadata=label(
            "复核认定的事实", "Facts found on review", "如评分计算错误、核查数据有误等，写明复核认定的事实"
        ),
    )
    decision_reasons = Substantive(
        required=True,
        max_length=10000,
        min_distinct=8,
        metadata=label("事实、理由及对陈述申辩的采纳情况", "Facts, reasons, how the statement was weighed"),
    )
    decision_document = Text(max_length=200, metadata=label("决定文号", "Decision document"))

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """Guideline 七（二）(取消备案 after 陈述申辩): without a statement, a decision to maintain may not
        rest on the statement being upheld (the structured `maintain_basis`, not the reasons' wording)."""
        if (
            data.get("revocation_decision") == "maintain"
            and data.get("maintain_basis") == "statement_upheld"
            and not statement_made(variables)
        ):
            return {"maintain_basis": [NO_STATEMENT]}
        return {}
