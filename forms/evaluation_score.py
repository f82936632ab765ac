"""Task_ExpertScoring (绩效评价): one expert's signed score sheet over the five indicator groups."""

from __future__ import annotations

from marshmallow import fields

from .base import FormSchema, label
from .fields import Text, confirmation, rubric_score

#: indicator -> (maximum, Chinese label, English label); the maxima sum to 100 (DOMAIN-NOTES §6, proposed).
EVALUATION_RUBRIC: dict[str, tuple[int, str, str]] = {
    "operation": (20, "组织运行", "Organisation and operation"),
    "rd_input": (20, "研发投入", "R&D input"),
    "outputs": (25, "创新产出", "Outputs"),
    "commercialisation": (20, "成果转化与服务产业", "Commercialisation and industry service"),
    "talent": (15, "人才培养", "Talent"),
}


def _score(name: str) -> fields.Float:
    return rubric_score(EVALUATION_RUBRIC, name)


class EvaluationScoreForm(FormSchema):
    form_key = "evaluation_score"
    title_zh = "绩效评价评分表"
    title_en = "Performance evaluation score sheet"

    operation = _score("operation")
    rd_input = _score("rd_input")
    outputs = _score("outputs")
    commercialisation = _score("commercialisation")
    talent = _score("talent")
    comment = Text(required=True, max_length=5000, metadata=label("评价意见", "Comment"))
    signed = confirmation(metadata=label("本人确认以上评分并签名", "I sign this score sheet"))
