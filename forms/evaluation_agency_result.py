"""Task_AgencyEvaluation (绩效评价): the entrusted third-party evaluation agency records its result: the
score, its grade (优秀 / 合格 / 不合格) and its evaluation report (guideline 七（二）). Fields are
prefixed `agency_`: they become process variables beside the expert sheets'."""

from __future__ import annotations

from marshmallow import fields, validate

from .base import FormSchema, label
from .fields import Choice, FileRefSchema, Substantive, confirmation

AGENCY_GRADES: dict[str, tuple[str, str]] = {
    "excellent": ("优秀", "Excellent"),
    "pass": ("合格", "Pass"),
    "fail": ("不合格", "Fail"),
}


class EvaluationAgencyResultForm(FormSchema):
    form_key = "evaluation_agency_result"
    title_zh = "第三方评估结果"
    title_en = "Evaluation agency's result"

    agency_score = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=100),
        metadata=label("评价得分（0–100）", "Score (0–100)"),
    )
    agency_grade = Choice(AGENCY_GRADES, required=True, metadata=label("评价等级", "Grade"))
    agency_summary = Substantive(
        required=True,
        max_length=20000,
        min_distinct=10,
        metadata=label("评价结论", "Conclusion", "主要依据、发现的问题及建议"),
    )
    agency_report = fields.Nested(
        FileRefSchema, required=True, metadata=label("评估报告", "Evaluation report", "上传盖章的评估报告")
    )
    agency_signed = confirmation(
        metadata=label("本机构对评价结果的真实性、独立性负责", "We stand by this result")
    )
