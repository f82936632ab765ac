"""Task_HandleObjection: the city bureau's finding on an objection raised during publicity."""

from __future__ import annotations

from .base import FormSchema, label
from .fields import Choice, Text

OBJECTION_DECISIONS: dict[str, tuple[str, str]] = {
    "upheld": ("异议成立", "Upheld"),
    "dismissed": ("异议不成立", "Dismissed"),
}


class HandleObjectionForm(FormSchema):
    form_key = "handle_objection"
    title_zh = "处理公示异议"
    title_en = "Handle an objection"

    objection_decision = Choice(OBJECTION_DECISIONS, required=True, metadata=label("处理结论", "Decision"))
    objection_finding = Text(
        required=True,
        max_length=10000,
        metadata=label("调查核实情况", "Finding", "说明调查核实的过程和结论"),
    )
