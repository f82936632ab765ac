"""Task_SelfReport (绩效评价): the consortium reports its indicators for the evaluation period.

The five indicator groups follow DOMAIN-NOTES §6 (organisation and operation, R&D input, outputs,
commercialisation and industry service, talent); each has counts the experts can compare across
consortia and a narrative for what counts cannot say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields, validate

from .base import FormSchema, is_blank, label
from .fields import Text, confirmation
from .messages import Msg


def count(zh: str, en: str) -> fields.Integer:
    return fields.Integer(required=True, validate=validate.Range(min=0), metadata=label(zh, en))


def amount(zh: str, en: str) -> fields.Float:
    return fields.Float(required=True, validate=validate.Range(min=0), metadata=label(f"{zh}（万元）", en))


def narrative() -> Text:
    return Text(required=True, max_length=5000, metadata=label("情况说明", "Narrative"))


class OperationSchema(FormSchema):
    meetings_held = count("召开理事会/协调会次数", "Meetings held")
    funds_planned = amount("计划投入经费", "Funds planned (10k CNY)")
    funds_invested = amount("实际投入经费", "Funds invested (10k CNY)")
    narrative = narrative()


class RdInputSchema(FormSchema):
    joint_rd_spend = amount("联合研发投入", "Joint R&D spend (10k CNY)")
    joint_projects = count("联合攻关项目数", "Joint projects")
    government_projects = count("承担国家、省、市项目数", "National, provincial or city projects")
    narrative = narrative()


class OutputsSchema(FormSchema):
    invention_patents = count("发明专利", "Invention patents")
    standards = count("标准", "Standards")
    new_products = count("新产品", "New products")
    key_technologies = count("突破关键技术", "Key technologies solved")
    narrative = narrative()


class CommercialisationSchema(FormSchema):
    technology_contracts = count("技术合同数", "Technology contracts")
    licensing_income = amount("许可转让收入", "Licensing income (10k CNY)")
    spin_offs = count("孵化企业数", "Spin-offs")
    smes_served = count("服务中小企业数", "SMEs served")
    narrative = narrative()


class TalentSchema(FormSchema):
    researchers_attracted = count("引进科研人员", "Researchers attracted")
    researchers_trained = count("培养科研人员", "Researchers trained")
    joint_posts = count("联合设岗", "Joint posts")
    narrative = narrative()


INDICATORS: dict[str, tuple[type[FormSchema], str, str]] = {
    "operation": (OperationSchema, "组织运行", "Organisation and operation"),
    "rd_input": (RdInputSchema, "研发投入", "R&D input"),
    "outputs": (OutputsSchema, "创新产出", "Outputs"),
    "commercialisation": (
        CommercialisationSchema,
        "成果转化与服务产业",
        "Commercialisation and industry service",
    ),
    "talent": (TalentSchema, "人才培养", "Talent"),
}


class EvaluationSelfReportForm(FormSchema):
    form_key = "evaluation_self_report"
    title_zh = "绩效评价自评报告"
    title_en = "Performance self-report"

    operation = fields.Nested(OperationSchema, required=True, metadata=label(*INDICATORS["operation"][1:]))
    rd_input = fields.Nested(RdInputSchema, required=True, metadata=label(*INDICATORS["rd_input"][1:]))
    outputs = fields.Nested(OutputsSchema, required=True, metadata=label(*INDICATORS["outputs"][1:]))
    commercialisation = fields.Nested(
        CommercialisationSchema, required=True, metadata=label(*INDICATORS["commercialisation"][1:])
    )
    talent = fields.Nested(TalentSchema, required=True, metadata=label(*INDICATORS["talent"][1:]))
    rectification_summary = Text(
        max_length=10000,
        metadata=label("整改情况", "Rectification summary", "整改后复评时必填"),
    )
    truthful = confirmation(metadata=label("承诺所报材料真实、有效、完整", "The report is true and complete"))

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """A re-evaluation follows a rectification period: the report must say what was rectified."""
        if int(variables.get("attempt") or 1) > 1 and is_blank(data.get("rectification_summary")):
            return {
                "rectification_summary": [
                    Msg("整改后复评须填写整改情况", "Describe the rectification for the re-evaluation.")
                ]
            }
        return {}
