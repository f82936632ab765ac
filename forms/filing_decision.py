"""Task_FilingDecision: the city bureau's filing decision when publicity ended without a sustained
objection (guideline 五（六）; issue 13 item 5): confirm with the decision's document number (文号), or
hold with a reason (the task comes back for a later decision)."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Text
from .messages import Msg

FILING_DECISIONS: dict[str, tuple[str, str]] = {
    "confirm": ("予以备案", "Confirm the filing"),
    "hold": ("暂缓备案", "Hold"),
}


class FilingDecisionForm(FormSchema):
    form_key = "filing_decision"
    title_zh = "备案决定"
    title_en = "Filing decision"

    filing_decision = Choice(FILING_DECISIONS, required=True, metadata=label("备案决定", "Decision"))
    document_no = Text(
        max_length=100,
        metadata=label("备案文号", "Document number", "如：青科字〔2026〕12号 / e.g. 青科字〔2026〕12号"),
    )
    hold_reason = Text(max_length=2000, metadata=label("暂缓理由", "Reason for holding"))
    required_when = (
        RequiredWhen(
            "document_no",
            "filing_decision",
            ("confirm",),
            Msg("予以备案须填写备案文号", "Give the document number of the filing decision."),
        ),
        RequiredWhen(
            "hold_reason",
            "filing_decision",
            ("hold",),
            Msg("暂缓备案须说明理由", "Give the reason for holding the filing."),
        ),
    )
