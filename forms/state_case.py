"""Task_StateCase: the lead unit states its case (陈述申辩) before the filing is revoked for an
unqualified evaluation (guideline 七（二）"评价结果不合格的，取消备案资格"; issue 14, item 2)."""

from __future__ import annotations

from marshmallow import fields

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, FileRefSchema, Substantive
from .messages import Msg

CHOICES: dict[str, tuple[str, str]] = {
    "statement": ("提出陈述申辩", "State our case"),
    "waive": ("放弃陈述申辩", "Waive the hearing"),
}


class StateCaseForm(FormSchema):
    form_key = "state_case"
    title_zh = "陈述申辩"
    title_en = "State the case"
    required_when = (
        RequiredWhen(
            "statement", "hearing_choice", ("statement",), Msg("请填写陈述申辩意见", "Write the statement.")
        ),
    )

    hearing_choice = Choice(CHOICES, required=True, metadata=label("是否陈述申辩", "Hearing"))
    statement = Substantive(
        allow_none=True,
        max_length=20000,
        min_distinct=10,
        metadata=label("陈述申辩意见", "Statement", "对评价结果和拟取消备案的事实、理由及依据提出意见"),
    )
    evidence = fields.Nested(
        FileRefSchema, allow_none=True, metadata=label("证明材料", "Supporting document")
    )
