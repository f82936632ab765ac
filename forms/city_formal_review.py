"""Task_CityReview: the city bureau's formal review accepts, returns or rejects."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from .base import FormSchema, RequiredWhen, label
from .correct_application import RETURNED_VARIABLE, returned_sections_field, returned_sections_problems
from .fields import Choice, Text
from .messages import Msg

CITY_DECISIONS: dict[str, tuple[str, str]] = {
    "accept": ("受理", "Accept"),
    "return": ("退回补正", "Return for completion"),
    "reject": ("不予受理", "Reject"),
}


class CityFormalReviewForm(FormSchema):
    form_key = "city_formal_review"
    title_zh = "市级形式审查"
    title_en = "City formal review"
    required_when = (
        RequiredWhen(
            "city_opinion",
            "city_decision",
            ("return", "reject"),
            Msg("退回补正或不予受理时须填写审查意见", "An opinion is required to return or reject."),
        ),
    )

    city_decision = Choice(CITY_DECISIONS, required=True, metadata=label("审查结论", "Decision"))
    city_opinion = Text(max_length=5000, metadata=label("审查意见", "Opinion", "退回补正或不予受理时必填"))
    returned_sections = returned_sections_field()

    @validates_schema(skip_on_field_errors=True)
    def _returned(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A return names what to correct; any other decision leaves nothing returned."""
        problems = returned_sections_problems(data, "city_decision")
        if problems:
            raise ValidationError(problems)
        if data.get("city_decision") != "return":
            data[RETURNED_VARIABLE] = []
