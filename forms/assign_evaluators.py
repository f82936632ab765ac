"""Task_AssignEvaluators (绩效评价): the city clerk has the evaluation done by an expert panel or entrusts it
to a registered third-party evaluation agency (guideline 七（二）: 组织专家或委托第三方评估机构实施)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from .base import FormSchema, RequiredWhen, duplicate_errors, label
from .fields import Choice, CreditCode, Text
from .messages import Msg

MODES: dict[str, tuple[str, str]] = {
    "panel": ("组织专家评价", "An expert panel"),
    "agency": ("委托第三方评估机构", "A third-party evaluation agency"),
}


class AssignEvaluatorsForm(FormSchema):
    form_key = "assign_evaluators"
    title_zh = "组织绩效评价"
    title_en = "Assign the evaluation"
    required_when = (
        RequiredWhen("panel", "evaluator_mode", ("panel",),
                     Msg("请至少指定一名评价专家", "Assign at least one expert.")),
        RequiredWhen("agency", "evaluator_mode", ("agency",),
                     Msg("请选择受托的第三方评估机构", "Choose the evaluation agency.")),
    )

    evaluator_mode = Choice(MODES, load_default="panel", metadata=label("评价方式", "Evaluated by"))
    panel = fields.List(
        Text(required=True, max_length=100),
        allow_none=True,
        validate=validate.Length(min=1, error=Msg("请至少指定一名评价专家", "Assign at least one expert.")),
        metadata=label("评价专家", "Experts", "组织专家评价时填写：专家用户账号，每行一个"),
    )
    agency = CreditCode(
        allow_none=True,
        metadata={
            **label("第三方评估机构", "Evaluation agency", "委托第三方评估机构时选择在册机构"),
            "choices_from": "evaluation_agencies",
        },
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _distinct(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        raw = original_data.get("panel") if isinstance(original_data, dict) else None
        duplicates = duplicate_errors(raw, lambda v: v.strip())
        if duplicates:
            raise ValidationError({"panel": duplicates})
