"""Task_DistrictCheck (绩效评价): the district checks the self-report is true and complete."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Text
from .messages import Msg

CHECK_DECISIONS: dict[str, tuple[str, str]] = {
    "verified": ("核实无误，报市科技局", "Verified, forward to the city"),
    "returned": ("退回补充", "Return for completion"),
}


class EvaluationDistrictCheckForm(FormSchema):
    form_key = "evaluation_district_check"
    title_zh = "绩效评价区级核查"
    title_en = "District check of the self-report"
    required_when = (
        RequiredWhen(
            "check_opinion",
            "check_decision",
            ("returned",),
            Msg("退回时须填写核查意见", "An opinion is required to return the report."),
        ),
    )

    check_decision = Choice(CHECK_DECISIONS, required=True, metadata=label("核查结论", "Decision"))
    check_opinion = Text(max_length=5000, metadata=label("核查意见", "Opinion", "退回时必填"))
