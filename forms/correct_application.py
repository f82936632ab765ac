"""Task_CorrectForDistrict / Task_CorrectForCity: the applicant answers a return."""

from __future__ import annotations

from .base import FormSchema, label
from .fields import Text


class CorrectApplicationForm(FormSchema):
    form_key = "correct_application"
    title_zh = "修改申报材料"
    title_en = "Correct the application"

    correction_note = Text(
        required=True,
        max_length=5000,
        metadata=label("修改说明", "Correction note", "逐条说明针对退回意见所作的修改"),
    )
