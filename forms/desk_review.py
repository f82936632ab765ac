"""Task_DeskReview: one expert's written review of the application (审查)."""

from __future__ import annotations

from .base import FormSchema, label
from .fields import StrictBoolean, Text


class DeskReviewForm(FormSchema):
    form_key = "desk_review"
    title_zh = "专家审查"
    title_en = "Desk review"

    opinion = Text(required=True, max_length=10000, metadata=label("审查意见", "Opinion"))
    recommend = StrictBoolean(required=True, metadata=label("是否推荐", "Recommend"))
