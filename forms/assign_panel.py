"""Task_AssignPanel: the city clerk names the expert panel (user ids of expert accounts)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from .base import FormSchema, duplicate_errors, label
from .fields import Text
from .messages import Msg


class AssignPanelForm(FormSchema):
    form_key = "assign_panel"
    title_zh = "组织评审专家"
    title_en = "Assign the expert panel"

    panel = fields.List(
        Text(required=True, max_length=100),
        required=True,
        validate=validate.Length(min=1, error=Msg("请至少指定一名评审专家", "Assign at least one expert.")),
        metadata=label("评审专家", "Experts", "专家用户账号"),
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _distinct(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        raw = original_data.get("panel") if isinstance(original_data, dict) else None
        duplicates = duplicate_errors(raw, lambda v: v.strip())
        if duplicates:
            raise ValidationError({"panel": duplicates})
