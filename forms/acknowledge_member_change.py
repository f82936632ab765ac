"""Task_Acknowledge: the city bureau acknowledges (备案确认) a member change all members agreed to."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Text
from .messages import Msg

ACK_DECISIONS: dict[str, tuple[str, str]] = {
    "acknowledged": ("予以确认", "Acknowledge"),
    "rejected": ("不予确认", "Reject"),
}


class AcknowledgeMemberChangeForm(FormSchema):
    form_key = "acknowledge_member_change"
    title_zh = "成员变更确认"
    title_en = "Acknowledge the member change"
    required_when = (
        RequiredWhen(
            "ack_opinion",
            "ack_decision",
            ("rejected",),
            Msg("不予确认时须填写意见", "An opinion is required to reject."),
        ),
    )

    ack_decision = Choice(ACK_DECISIONS, required=True, metadata=label("结论", "Decision"))
    ack_opinion = Text(max_length=5000, metadata=label("意见", "Opinion", "不予确认时必填"))
