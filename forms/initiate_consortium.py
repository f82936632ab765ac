"""Task_Initiate: the lead unit proposes a consortium in one of the "10+1" industries."""

from __future__ import annotations

from .base import FormSchema, label
from .fields import Choice, Text
from .vocabulary import INDUSTRY_CHOICES


class InitiateConsortiumForm(FormSchema):
    form_key = "initiate_consortium"
    title_zh = "发起组建创新联合体"
    title_en = "Initiate an innovation consortium"

    consortium_name = Text(
        required=True,
        min_length=2,
        max_length=100,
        metadata=label("联合体名称", "Consortium name", "例如：青岛市××产业创新联合体"),
    )
    industry = Choice(INDUSTRY_CHOICES, required=True, metadata=label("所属“10+1”产业", '"10+1" industry'))
    key_technology = Text(
        required=True,
        max_length=5000,
        metadata=label("拟攻关的关键核心技术", "Key core technology to tackle"),
    )
    market_need = Text(required=True, max_length=5000, metadata=label("市场需求", "Market need"))
