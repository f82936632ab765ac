"""Task_DistrictReview: the district authority forwards, returns or rejects the application."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from .base import FormSchema, RequiredWhen, label
from .correct_application import RETURNED_VARIABLE, returned_sections_field, returned_sections_problems
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
    returned_sections = returned_sections_field()

    @validates_schema(skip_on_field_errors=True)
    def _returned(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A return names what to correct; any other decision leaves nothing returned."""
        problems = returned_sections_problems(data, "district_decision")
        if problems:
            raise ValidationError(problems)
        if data.get("district_decision") != "return":
            data[RETURNED_VARIABLE] = []
