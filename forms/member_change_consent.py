"""Task_MemberConsent: each current member agrees to the supplementary agreement or refuses it."""

from __future__ import annotations

from .base import FormSchema, RequiredWhen, label
from .fields import Choice, Text
from .messages import Msg

CONSENT_DECISIONS: dict[str, tuple[str, str]] = {
    "agree": ("同意并签署补充协议", "Agree and sign"),
    "refuse": ("不同意", "Refuse"),
}


class MemberChangeConsentForm(FormSchema):
    form_key = "member_change_consent"
    title_zh = "成员变更意见"
    title_en = "Consent to the member change"
    required_when = (
        RequiredWhen(
            "reason",
            "consent_decision",
            ("refuse",),
            Msg("不同意时须说明理由", "Give a reason for refusing."),
        ),
    )

    consent_decision = Choice(CONSENT_DECISIONS, required=True, metadata=label("意见", "Decision"))
    reason = Text(max_length=2000, metadata=label("理由", "Reason", "不同意时必填"))
    signer = Text(required=True, max_length=100, metadata=label("签署人", "Signed by"))
