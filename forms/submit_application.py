"""Task_Submit: the lead unit submits to its district with the integrity commitment."""

from __future__ import annotations

from .base import FormSchema, label
from .fields import Text, confirmation


class SubmitApplicationForm(FormSchema):
    form_key = "submit_application"
    title_zh = "申请备案"
    title_en = "Submit the application"

    integrity_commitment = confirmation(
        metadata=label(
            "诚信承诺",
            "Integrity commitment",
            "本单位承诺所提交材料真实、有效、完整，符合诚信相关要求，如有不实，愿承担相应责任并列入科研信用档案",
        )
    )
    commitment_signer = Text(required=True, max_length=50, metadata=label("承诺人", "Signed by"))
