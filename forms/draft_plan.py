"""Task_DraftPlan: the construction plan's five sections named by the guideline."""

from __future__ import annotations

from marshmallow import fields

from .base import FormSchema, label
from .fields import Text

SECTION_MIN_LENGTH = 20
SECTION_MAX_LENGTH = 20000


def _section(zh: str, en: str) -> Text:
    return Text(
        required=True,
        min_length=SECTION_MIN_LENGTH,
        max_length=SECTION_MAX_LENGTH,
        metadata=label(zh, en, f"不少于{SECTION_MIN_LENGTH}字"),
    )


class PlanSchema(FormSchema):
    significance = _section("建设意义及基础优势", "Significance and foundation advantages")
    organisation = _section("组织架构及运行机制", "Organisation and operating mechanism")
    goals = _section("目标任务及进度安排", "Goals, tasks and schedule")
    results = _section("预期标志性成果及水平", "Expected landmark results and their level")
    funding = _section("经费投入与保障措施", "Funding and safeguards")


class DraftPlanForm(FormSchema):
    form_key = "draft_plan"
    title_zh = "编制建设方案"
    title_en = "Draft the construction plan"

    plan = fields.Nested(PlanSchema, required=True, metadata=label("建设方案", "Construction plan"))
