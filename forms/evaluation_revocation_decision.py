"""Task_RevocationDecision: after the hearing period, the city bureau decides on revocation (取消备案)
for an unqualified evaluation (guideline 七（二）; issue 14, item 2)."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Substantive, Text
from .messages import Msg

DECISIONS: dict[str, tuple[str, str]] = {
    "revoke": ("取消备案", "Revoke the filing"),
    "maintain": ("陈述申辩理由成立，维持备案", "The case stands: the filing is maintained"),
}


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
