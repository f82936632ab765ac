"""Task_HireChiefExpert: the chief expert's identity, title and affiliation, and the consortium head
(创新联合体负责人) the lead unit chooses."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from .base import FormSchema, label
from .checks import resident_id_problem
from .confirm_membership import PHONE_PATTERN
from .fields import Choice, CreditCode, IdentifierText, Text
from .messages import Msg

ID_TYPES: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证", "Resident identity card"),
    "hk_macao_taiwan_permit": (
        "港澳台居民居住证",
        "Residence permit for Hong Kong, Macao and Taiwan residents",
    ),
    "passport": ("护照", "Passport"),
    "foreign_permanent_residence": ("外国人永久居留身份证", "Foreign permanent resident ID card"),
}
_OTHER_ID = re.compile(r"^[0-9A-Z]{5,20}$")


def id_number_problem(id_type: str, number: str) -> Msg | None:
    """GB 11643 applies to resident IDs and to 18-character HK/Macao/Taiwan residence permits.

    Passports and foreign permanent-residence cards follow no public check algorithm: format only.
    """
    if id_type == "resident_id" or (id_type == "hk_macao_taiwan_permit" and len(number) == 18):
        return resident_id_problem(number)
    if not _OTHER_ID.match(number):
        return Msg("证件号码应为5至20位字母或数字", "The document number must be 5 to 20 letters or digits.")
    return None


class ChiefExpertSchema(FormSchema):
    check_char_overrides = {"affiliation_credit_code": "affiliation_credit_code_override_reason"}

    name = Text(required=True, max_length=50, metadata=label("姓名", "Name"))
    id_type = Choice(ID_TYPES, required=True, metadata=label("证件类型", "Identity document type"))
    id_number = IdentifierText(
        required=True, max_length=30, metadata=label("证件号码", "Identity document number")
    )
    title = Text(
        required=True,
        max_length=100,
        metadata=label("职称", "Professional title", "如：教授、研究员、正高级工程师"),
    )
    affiliation_credit_code = CreditCode(
        required=True,
        metadata=label("所在单位统一社会信用代码", "Affiliation's unified social credit code"),
    )
    field = Text(required=True, max_length=200, metadata=label("研究领域", "Field of expertise"))
    affiliation_credit_code_override_reason = Text(
        max_length=1000,
        metadata=label(
            "代码核对说明",
            "Credit-code verification note",
            "代码校验位不符（如试点期颁发的代码）时，说明核对情况",
        ),
    )

    @validates_schema(skip_on_field_errors=False)
    def _id_number(self, data: dict[str, Any], **kwargs: Any) -> None:
        id_type, number = data.get("id_type"), data.get("id_number")
        if id_type and number:
            problem = id_number_problem(id_type, number)
            if problem:
                raise ValidationError({"id_number": [problem]})


class ConsortiumHeadSchema(FormSchema):
    """创新联合体负责人 (guideline 三（三）): chosen by the lead unit, in charge of overall coordination;
    a role of its own beside the chief expert, who leads the research."""

    name = Text(required=True, max_length=50, metadata=label("姓名", "Name"))
    position = Text(
        required=True, max_length=100, metadata=label("职务", "Position", "如：牵头单位副总经理")
    )
    phone = IdentifierText(
        required=True,
        max_length=30,
        validate=validate.Regexp(PHONE_PATTERN, error=Msg(
            "请填写有效的手机号或带区号的固定电话", "Enter a mobile number or a landline with area code."
        )),
        metadata=label("联系电话", "Phone", "手机号，或带区号的固定电话"),
    )


class HireChiefExpertForm(FormSchema):
    form_key = "hire_chief_expert"
    title_zh = "选聘首席专家及联合体负责人"
    title_en = "Hire the chief expert and choose the consortium head"

    chief_expert = fields.Nested(ChiefExpertSchema, required=True, metadata=label("首席专家", "Chief expert"))
    consortium_head = fields.Nested(
        ConsortiumHeadSchema,
        required=True,
        metadata=label(
            "创新联合体负责人", "Consortium head", "由牵头单位选聘，负责总体统筹调度（指引 三（三））"
        ),
    )
