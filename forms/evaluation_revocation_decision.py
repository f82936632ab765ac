"""Task_RevocationDecision: after the hearing period, the city bureau decides on revocation (取消备案)
for an unqualified evaluation (guideline 七（二）; issue 14, item 2).

The city may maintain the filing whether or not the lead unit stated its case (a review can find, say,
a scoring error), so the `maintain` choice itself asserts no statement. When the lead unit waived its
hearing or let the period lapse, the reasons may not say that its statement was upheld (report finding 6).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Substantive, Text
from .messages import Msg

DECISIONS: dict[str, tuple[str, str]] = {
    "revoke": ("取消备案", "Revoke the filing"),
    "maintain": ("维持备案", "Maintain the filing"),
}
#: "陈述申辩理由成立", "采纳其陈述申辩意见", "申辩意见予以采纳" …, but not "不予采纳" / "未采纳"
STATEMENT_UPHELD = re.compile(
    r"申辩[^，。；,;]{0,6}(?<![不未])(成立|采纳)|(?<![不未予])采纳[^，。；,;]{0,6}申辩"
)
NO_STATEMENT = Msg(
    "牵头单位未提出陈述申辩（已放弃或期满未提出），决定理由不能写“陈述申辩理由成立”或“采纳陈述申辩”；"
    "如经复核维持备案，请写明复核认定的事实和理由",
    "The lead unit made no statement (waived, or the period lapsed): the reasons cannot say its statement "
    "was upheld. If the filing is maintained on review, give the facts and reasons of the review.",
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
    )

    revocation_decision = Choice(DECISIONS, required=True, metadata=label("决定", "Decision"))
    decision_reasons = Substantive(
        required=True,
        max_length=10000,
        min_distinct=8,
        metadata=label("事实、理由及对陈述申辩的采纳情况", "Facts, reasons, how the statement was weighed"),
    )
    decision_document = Text(max_length=200, metadata=label("决定文号", "Decision document"))

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """Without a statement, a decision to maintain may not rest on the statement being upheld."""
        reasons = str(data.get("decision_reasons") or "")
        if (
            data.get("revocation_decision") == "maintain"
            and not statement_made(variables)
            and STATEMENT_UPHELD.search(reasons)
        ):
            return {"decision_reasons": [NO_STATEMENT]}
        return {}
