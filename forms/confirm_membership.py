"""Task_ConfirmMembership: each invited unit confirms or declines (merged into its `member` item)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from .base import FormSchema, RequiredWhen, is_blank, label
from .fields import Choice, IdentifierText, StrictBoolean, Text
from .messages import Msg

DECISIONS: dict[str, tuple[str, str]] = {
    "confirm": ("确认参加", "Confirm"),
    "decline": ("拒绝参加", "Decline"),
}
# The member's integrity commitment (诚信承诺书, issue 13 item 5): the letter's text, shown beside the tick
# box and printed in the member's letter (web/templates/_member_commitment_letter.html).
MEMBER_COMMITMENT = (
    "本单位作为创新联合体成员单位，承诺所提供的单位信息及支持承诺真实、有效，遵守组建协议，"
    "按约定投入资金、技术、人才、仪器设备和场地，如有不实，愿承担相应责任并列入科研信用档案"
)
# Mobile numbers, or landlines with area code and optional extension; +86 allowed.
PHONE_PATTERN = r"^(\+?86-?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$"


class CommitmentsSchema(FormSchema):
    """What a member commits to the consortium (guideline 三（六）:
    资金、技术、人才、仪器设备、办公科研场地)."""

    funds_wan = fields.Float(
        allow_none=True, validate=validate.Range(min=0, max=1_000_000),
        metadata=label("资金投入（万元）", "Funds (10,000 CNY)"),
    )
    technology = Text(max_length=2000, metadata=label("技术投入", "Technology"))
    staff = fields.Integer(
        allow_none=True, validate=validate.Range(min=0, max=100_000),
        metadata=label("投入科研人员（人）", "Researchers (persons)"),
    )
    equipment = Text(max_length=2000, metadata=label("仪器设备", "Instruments and equipment"))
    space_m2 = fields.Float(
        allow_none=True, validate=validate.Range(min=0, max=10_000_000),
        metadata=label("办公科研场地（平方米）", "Office and research space (m²)"),
    )


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
    commitments = fields.Nested(
        CommitmentsSchema,
        allow_none=True,
        metadata=label(
            "支持承诺", "Commitments", "确认参加时至少填写一项：资金、技术、人才、设备或场地（指引 三（六））"
        ),
    )

    integrity_commitment = StrictBoolean(
        allow_none=True, metadata=label("诚信承诺", "Integrity commitment", MEMBER_COMMITMENT)
    )
    commitment_signer = Text(max_length=50, metadata=label("承诺人", "Signed by", "确认参加时必填"))

    @validates_schema(skip_on_field_errors=False)
    def _integrity(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Confirming needs the ticked commitment and its signer (issue 13 item 5); declining does not."""
        if data.get("decision") != "confirm":
            return
        problems: dict[str, list[Msg]] = {}
        if data.get("integrity_commitment") is not True:
            problems["integrity_commitment"] = [Msg(
                "确认参加时须勾选诚信承诺", "Tick the integrity commitment to confirm.")]
        if is_blank(data.get("commitment_signer")):
            problems["commitment_signer"] = [Msg(
                "确认参加时须填写承诺人", "Name who signs the commitment.")]
        if problems:
            raise ValidationError(problems)

    @validates_schema(skip_on_field_errors=False)
    def _commitments(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("decision") != "confirm":
            return
        given = data.get("commitments") or {}
        if all(is_blank(v) or v == 0 for v in given.values()):
            raise ValidationError({"commitments": [Msg(
                "确认参加时请至少填写一项支持承诺（资金、技术、人才、仪器设备或场地）",
                "When confirming, state a commitment (funds, technology, people, equipment or space).",
            )]})
