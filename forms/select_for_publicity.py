"""Task_Selection: the city bureau decides whether the consortium enters the proposed list (择优)."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Text
from .messages import Msg

SELECTION_DECISIONS: dict[str, tuple[str, str]] = {
    "selected": ("拟入选，进入公示", "Selected for publicity"),
    "not_selected": ("未入选", "Not selected"),
}


class SelectForPublicityForm(FormSchema):
    form_key = "select_for_publicity"
    title_zh = "择优确定拟备案名单"
    title_en = "Select for the proposed filing list"
    # The applicant is told why it was not selected; a selection needs no reason.
    required_when = (
        RequiredWhen(
            "selection_opinion",
            "selection_decision",
            ("not_selected",),
            Msg("未入选时须填写意见", "An opinion is required when not selected."),
        ),
    )

    selection_decision = Choice(SELECTION_DECISIONS, required=True, metadata=label("择优结论", "Decision"))
    selection_opinion = Text(max_length=5000, metadata=label("意见", "Opinion", "未入选时必填"))
