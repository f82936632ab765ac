"""Task_DefenseScoring: the receipt of one expert's signed score sheet.

The sheet itself (the round's rubric, a score and a comment per dimension, dissent, signature) is kept
by the service, which completes this task when the expert signs; the task data records which sheet.
"""

from __future__ import annotations

from marshmallow import fields, validate

from .base import FormSchema, label
from .fields import confirmation


class SignedScoreSheetForm(FormSchema):
    form_key = "signed_score_sheet"
    title_zh = "答辩评分表（已签名）"
    title_en = "Signed defense score sheet"

    sheet_id = fields.Integer(
        required=True, validate=validate.Range(min=1), metadata=label("评分表编号", "Sheet")
    )
    total = fields.Float(
        required=True, validate=validate.Range(min=0, max=100), metadata=label("总分", "Total")
    )
    signed = confirmation(metadata=label("本人确认以上评分并签名", "I sign this score sheet"))
