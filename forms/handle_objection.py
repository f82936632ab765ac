"""Task_HandleObjection: the city bureau's finding on an objection raised during publicity."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, StrictBoolean, Text
from .messages import Msg

OBJECTION_DECISIONS: dict[str, tuple[str, str]] = {
    "upheld": ("异议成立", "Upheld"),
    "dismissed": ("异议不成立", "Dismissed"),
}


class HandleObjectionForm(FormSchema):
    form_key = "handle_objection"
    title_zh = "处理公示异议"
    title_en = "Handle an objection"

    objection_decision = Choice(OBJECTION_DECISIONS, required=True, metadata=label("处理结论", "Decision"))
    objection_finding = Text(
        required=True,
        max_length=10000,
        metadata=label("调查核实情况", "Finding", "说明调查核实的过程和结论"),
    )
    # 七（四）: materials found false are a 失信行为, entered in the research credit record automatically.
    false_materials = StrictBoolean(
        load_default=False,
        metadata=label("查实申报材料弄虚作假", "Materials found false", "勾选后牵头单位自动列入科研信用档案"),
    )
    finding_document = Text(max_length=200, metadata=label("处理决定文号", "Decision document"))
    required_when = (
        RequiredWhen(
            "finding_document",
            "false_materials",
            (True,),
            Msg("查实弄虚作假须填写处理决定文号", "Give the decision document number."),
        ),
    )
