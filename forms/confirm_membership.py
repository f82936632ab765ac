"""Task_ConfirmMembership: each invited unit confirms or declines (merged into its `member` item)."""

from __future__ import annotations

from marshmallow import validate

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, IdentifierText, Text
from .messages import Msg

DECISIONS: dict[str, tuple[str, str]] = {
    "confirm": ("确认参加", "Confirm"),
    "decline": ("拒绝参加", "Decline"),
}
# Mobile numbers, or landlines with area code and optional extension; +86 allowed.
PHONE_PATTERN = r"^(\+?86-?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$"


class ConfirmMembershipForm(FormSchema):
    form_key = "confirm_membership"
    title_zh = "确认参加创新联合体"
    title_en = "Confirm membership"
    required_when = (
        RequiredWhen(
            "reason", "decision", ("decline",), Msg("拒绝参加时须说明理由", "Give a reason for declining.")
        ),
    )

    decision = Choice(DECISIONS, required=True, metadata=label("是否参加", "Decision"))
    reason = Text(max_length=2000, metadata=label("理由", "Reason", "拒绝参加时必填"))
    # Contacts are required even when declining: they record who answered for the unit.
    contact_name = Text(required=True, max_length=50, metadata=label("联系人", "Contact person"))
    contact_phone = IdentifierText(
        required=True,
        max_length=30,
        validate=validate.Regexp(
            PHONE_PATTERN,
            error=Msg(
                "请填写有效的手机号或带区号的固定电话", "Enter a mobile number or a landline with area code."
            ),
        ),
        metadata=label("联系电话", "Contact phone", "手机号，或带区号的固定电话，如 0532-12345678"),
    )
