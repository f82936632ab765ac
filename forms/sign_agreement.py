"""Task_SignAgreement: the formation agreement's seven clauses and the units that signed it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema
from marshmallow.error_store import merge_errors

from .base import FormSchema, duplicate_errors, label
from .checks import normalize_code
from .fields import CreditCode, FileRefSchema, Substantive
from .messages import Msg, join_en, join_zh

CLAUSE_MAX_LENGTH = 10000
CLAUSE_MIN_DISTINCT = 6  # different characters: "无", "略" or "按协议执行" say nothing (issue 14, item 7)


def _clause(zh: str, en: str) -> Substantive:
    return Substantive(
        required=True,
        max_length=CLAUSE_MAX_LENGTH,
        min_distinct=CLAUSE_MIN_DISTINCT,
        metadata=label(zh, en, "写明具体约定；“无”“暂无”“待定”“略”等不予受理"),
    )


class AgreementSchema(FormSchema):
    """The clauses the guideline requires in every formation agreement (组建协议, 五（三）): 技术创新目标、
    任务分工、权利义务、科技成果和知识产权归属、收益分配办法、违约责任及解决争议方式."""

    innovation_goals = _clause("技术创新目标", "Technical innovation goals")
    task_division = _clause("任务分工", "Task division")
    rights_obligations = _clause("权利义务", "Rights and obligations")
    ip_ownership = _clause("科技成果和知识产权归属", "Ownership of results and IP")
    benefit_distribution = _clause("收益分配办法", "Benefit distribution")
    breach_liability = _clause("违约责任", "Liability for breach")
    dispute_resolution = _clause("解决争议方式", "Dispute resolution")
    # Format only: signatories are matched against members whose codes were checked on invitation.
    signatories = fields.List(
        CreditCode(),
        required=True,
        validate=validate.Length(min=1, error=Msg("请列出签署单位", "List the signing units.")),
        metadata=label("签署单位（统一社会信用代码）", "Signatories (credit codes)"),
    )
    document = fields.Nested(
        FileRefSchema,
        allow_none=True,
        metadata=label(
            "已签署的协议文件", "Signed agreement document", "各成员单位签章的协议扫描件或电子签章文件"
        ),
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _distinct_signatories(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        raw = original_data.get("signatories") if isinstance(original_data, dict) else None
        duplicates = duplicate_errors(raw, normalize_code)
        if duplicates:
            raise ValidationError({"signatories": duplicates})


class SignAgreementForm(FormSchema):
    form_key = "sign_agreement"
    title_zh = "签署组建协议"
    title_en = "Sign the formation agreement"

    agreement = fields.Nested(
        AgreementSchema, required=True, metadata=label("组建协议", "Formation agreement")
    )

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """Every confirmed member and the lead unit signs (the guideline: all members sign), nobody else."""
        expected: dict[str, str] = {}  # credit code -> name, lead first, then members in invitation order
        lead = normalize_code(str(variables.get("lead_credit_code") or ""))
        if lead:
            expected[lead] = str(variables.get("lead_name") or lead)
        for member in variables.get("invited_members") or []:
            confirmed = isinstance(member, Mapping) and member.get("decision") == "confirm"
            if confirmed and member.get("credit_code"):
                code = normalize_code(str(member["credit_code"]))
                expected.setdefault(code, str(member.get("name") or code))
        signatories = [normalize_code(c) for c in data.get("agreement", {}).get("signatories", [])]
        errors: Any = []
        missing = [(name, code) for code, name in expected.items() if code not in signatories]
        if missing:
            errors = [
                Msg(
                    "以下单位尚未签署：" + join_zh([f"{name}（{code}）" for name, code in missing]),
                    "Not signed by: " + join_en([f"{name} ({code})" for name, code in missing]) + ".",
                )
            ]
        strangers = {
            i: [Msg("该单位不是牵头单位或已确认的成员单位", "Not the lead unit or a confirmed member.")]
            for i, code in enumerate(signatories)
            if code not in expected
        }
        if strangers:
            errors = merge_errors(errors, strangers) if errors else strangers
        return {"agreement": {"signatories": errors}} if errors else {}
