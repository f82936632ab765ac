"""Task_DraftPlan: the construction plan (建设方案) in the five sections of the guideline's outline (附件),
with section 三's schedule and section 五's funding as structured fields (issue 14, item 7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from .base import FormSchema, label
from .fields import IsoDate, Substantive
from .messages import Msg

SECTION_MIN_LENGTH = 20
SECTION_MAX_LENGTH = 20000
SECTION_MIN_DISTINCT = 12  # different characters: twenty repeated characters are not a section
MIN_MILESTONES = 2
MAX_ROWS = 50
MAX_AMOUNT = 10_000_000  # 万元: beyond a trillion yuan is a typo


def _section(zh: str, en: str) -> Substantive:
    return Substantive(
        required=True,
        min_length=SECTION_MIN_LENGTH,
        max_length=SECTION_MAX_LENGTH,
        min_distinct=SECTION_MIN_DISTINCT,
        metadata=label(zh, en, f"不少于{SECTION_MIN_LENGTH}字，写明具体内容"),
    )


class MilestoneSchema(FormSchema):
    """One dated milestone of section 三 (目标任务及进度安排)."""

    due = IsoDate(required=True, metadata=label("完成时间", "Due date"))
    milestone = Substantive(
        required=True, max_length=500, min_distinct=4, metadata=label("节点目标", "Milestone")
    )


class FundingRowSchema(FormSchema):
    """One row of section 五's funding table (经费投入): where the money comes from and how much."""

    source = Substantive(
        required=True,
        max_length=200,
        min_distinct=2,
        metadata=label("资金来源", "Source", "如：牵头单位自筹、成员单位投入、财政科技资金、社会资本"),
    )
    amount = fields.Float(
        required=True,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_AMOUNT),
        metadata=label("金额（万元）", "Amount (10,000 yuan)"),
    )


class PlanSchema(FormSchema):
    significance = _section("建设意义及基础优势", "Significance and foundation advantages")
    organisation = _section("组织架构及运行机制", "Organisation and operating mechanism")
    goals = _section("目标任务及进度安排", "Goals, tasks and schedule")
    milestones = fields.List(
        fields.Nested(MilestoneSchema),
        required=True,
        validate=validate.Length(
            min=MIN_MILESTONES,
            max=MAX_ROWS,
            error=Msg(
                f"进度安排应列出{MIN_MILESTONES}至{MAX_ROWS}个带完成时间的节点",
                f"The schedule lists {MIN_MILESTONES} to {MAX_ROWS} dated milestones.",
            ),
        ),
        metadata=label("三、进度安排（节点及完成时间）", "III. Schedule (milestones with dates)"),
    )
    results = _section("预期标志性成果及水平", "Expected landmark results and their level")
    funding = _section("经费投入与保障措施", "Funding and safeguards")
    funding_table = fields.List(
        fields.Nested(FundingRowSchema),
        required=True,
        validate=validate.Length(
            min=1,
            max=MAX_ROWS,
            error=Msg("经费投入表至少列出一项资金来源及金额", "The funding table lists at least one source."),
        ),
        metadata=label("五、经费投入表（来源及金额）", "V. Funding table (source, amount)"),
    )

    @validates_schema(skip_on_field_errors=True)
    def _ordered(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        """Milestones in date order, no two on one day (a schedule, not a list of wishes)."""
        dates = [m["due"] for m in data.get("milestones") or []]
        if any(later <= earlier for earlier, later in zip(dates, dates[1:], strict=False)):
            raise ValidationError(
                {"milestones": [
                    Msg("进度节点应按完成时间先后排列，且不重复", "List milestones in date order.")
                ]}
            )


class DraftPlanForm(FormSchema):
    form_key = "draft_plan"
    title_zh = "编制建设方案"
    title_en = "Draft the construction plan"

    plan = fields.Nested(PlanSchema, required=True, metadata=label("建设方案", "Construction plan"))
