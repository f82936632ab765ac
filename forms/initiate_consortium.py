"""Task_Initiate: the lead unit proposes a consortium in one of the "10+1" industries and, where the
bureau has listed them, one of its sub-tracks (细分赛道); it may state that it is a chain-leader
enterprise (链主企业, guideline 四（一）1: encouraged to lead)."""

from __future__ import annotations

from .base import FormSchema, label
from .fields import Choice, StrictBoolean, Text
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
    #: chosen from the `sub_track` table (the page offers its active rows, `x-choices-from`); that it
    #: belongs to the industry and is offered is the `${subTrackCheck}` listener's check (422 otherwise)
    sub_track = Text(
        max_length=16,
        metadata={
            **label("细分赛道", "Sub-track", "从市科技局维护的细分赛道中选择；该产业已设细分赛道时必填"),
            "choices_from": "sub_tracks",
        },
    )
    chain_leader = StrictBoolean(
        load_default=False,
        metadata=label("牵头单位为重点产业链链主企业", "The lead unit is a chain-leader enterprise"),
    )
    key_technology = Text(
        required=True,
        max_length=5000,
        metadata=label("拟攻关的关键核心技术", "Key core technology to tackle"),
    )
    market_need = Text(required=True, max_length=5000, metadata=label("市场需求", "Market need"))
