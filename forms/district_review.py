"""Task_DistrictReview: the district authority forwards, returns or rejects the application."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Text
from .messages import Msg

DISTRICT_DECISIONS: dict[str, tuple[str, str]] = {
    "approve": ("审核通过并推荐", "Approve and forward to the city"),
    "return": ("退回修改", "Return for correction"),
    "reject": ("不予推荐", "Reject"),
}


class DistrictReviewForm(FormSchema):
    form_key = "district_review"
    title_zh = "区级审核"
    title_en = "District review"
    required_when = (
        RequiredWhen(
            "district_opinion",
            "district_decision",
            ("return", "reject"),
            Msg("退回或不予推荐时须填写审核意见", "An opinion is required to return or reject."),
        ),
    )

    district_decision = Choice(DISTRICT_DECISIONS, required=True, metadata=label("审核结论", "Decision"))
    district_opinion = Text(max_length=5000, metadata=label("审核意见", "Opinion", "退回或不予推荐时必填"))
