"""Task_DefenseScoring: one expert's signed score sheet, on the five-dimension rubric (DOMAIN-NOTES §4.2)."""

from __future__ import annotations

from marshmallow import fields

from .base import FormSchema, label
from .fields import Text, confirmation, rubric_score

#: dimension -> (maximum, Chinese label, English label); the maxima sum to 100.
RUBRIC: dict[str, tuple[int, str, str]] = {
    "significance": (25, "建设意义及基础优势", "Significance and foundation"),
    "organisation": (25, "组织架构及运行机制", "Organisation and operating mechanism"),
    "goals": (20, "目标任务及进度安排", "Goals, tasks and schedule"),
    "results": (15, "预期标志性成果", "Expected landmark results"),
    "funding": (15, "经费投入与保障措施", "Funding and safeguards"),
}


def _score(name: str) -> fields.Float:
    return rubric_score(RUBRIC, name)


class DefenseScoreForm(FormSchema):
    form_key = "defense_score"
    title_zh = "答辩评分表"
    title_en = "Defense score sheet"

    significance = _score("significance")
    organisation = _score("organisation")
    goals = _score("goals")
    results = _score("results")
    funding = _score("funding")
    comment = Text(required=True, max_length=5000, metadata=label("评审意见", "Comment"))
    signed = confirmation(metadata=label("本人确认以上评分并签名", "I sign this score sheet"))
