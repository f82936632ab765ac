"""Task_CorrectForDistrict / Task_CorrectForCity: the applicant corrects the sections a review returned.

A return (district review, city formal review) names the sections to correct, each with its reason
(`returned_sections`, see `RETURN_SECTIONS`); the correction form carries the same fields as the steps that
first filled those sections (invite_members, sign_agreement, hire_chief_expert, draft_plan), and only
the returned ones may be sent: `process_checks` refuses any other section and requires every returned one.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from marshmallow import fields, validates_schema

from .base import FormSchema, label
from .draft_plan import PlanSchema
from .fields import Choice, FileRefSchema, Text
from .hire_chief_expert import ChiefExpertSchema, ConsortiumHeadSchema
from .invite_members import InviteMembersForm, MemberSchema
from .messages import Msg
from .sign_agreement import AgreementSchema, SignAgreementForm

#: section code -> (Chinese, English) label, in the case file's order (plan sections 一…五 of the 附件).
RETURN_SECTIONS: dict[str, tuple[str, str]] = {
    "members": ("成员单位", "Member units"),
    "agreement": ("组建协议", "Formation agreement"),
    "chief_expert": ("首席专家及联合体负责人", "Chief expert and consortium head"),
    "plan.significance": ("建设方案 一、建设意义及基础优势", "Plan I. Significance and foundation"),
    "plan.organisation": ("建设方案 二、组织架构及运行机制", "Plan II. Organisation and mechanism"),
    "plan.goals": ("建设方案 三、目标任务及进度安排", "Plan III. Goals, tasks and schedule"),
    "plan.results": ("建设方案 四、预期标志性成果及水平", "Plan IV. Expected results"),
    "plan.funding": ("建设方案 五、经费投入与保障措施", "Plan V. Funding and safeguards"),
    "documents": ("证明材料", "Supporting documents"),
}
#: section code -> (the dotted fields it covers, the ones a correction of it must send).
SECTION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "members": (("invited_members", "threshold_justification"), ("invited_members",)),
    "agreement": (("agreement",), ("agreement",)),
    "chief_expert": (("chief_expert", "consortium_head"), ("chief_expert", "consortium_head")),
    "plan.significance": (("plan.significance",), ("plan.significance",)),
    "plan.organisation": (("plan.organisation",), ("plan.organisation",)),
    "plan.goals": (("plan.goals", "plan.milestones"), ("plan.goals", "plan.milestones")),
    "plan.results": (("plan.results",), ("plan.results",)),
    "plan.funding": (("plan.funding", "plan.funding_table"), ("plan.funding", "plan.funding_table")),
    "documents": (("supplementary_document",), ("supplementary_document",)),
}
RETURNED_VARIABLE = "returned_sections"  # written by the review forms, read by the correction task
NOT_RETURNED = Msg(
    "该部分未被退回修改，不能在补正中更改", "This section was not returned; it cannot be changed."
)
UNCONFIRMED = Msg(
    "补正只能调整或移除已确认的成员单位；新增单位须经其确认成员资格，本次不能加入",
    "A correction may change or remove confirmed members; a new unit must first confirm its membership.",
)
MISSING = Msg("该部分已被退回修改，须提交修改后的内容", "This section was returned; send its correction.")


class ReturnedSectionSchema(FormSchema):
    """One section a review returns, with the reason the applicant reads beside it."""

    section = Choice(RETURN_SECTIONS, required=True, metadata=label("退回修改的部分", "Section to correct"))
    reason = Text(required=True, max_length=2000, metadata=label("退回理由", "Reason"))


def returned_sections_field() -> fields.List:
    """The review form's list of sections to correct (required when the decision is "return",
    `returned_sections_problems`)."""
    return fields.List(
        fields.Nested(ReturnedSectionSchema),
        load_default=list,
        metadata=label(
            "退回修改的部分及理由",
            "Sections to correct, with reasons",
            "退回时至少选择一个部分，并逐项写明理由",
        ),
    )


def returned_sections_problems(data: Mapping[str, Any], decision_field: str) -> dict[str, Any]:
    """Errors for the review form: at least one section when returning, no section twice."""
    items = data.get(RETURNED_VARIABLE) or []
    if data.get(decision_field) != "return":
        return {}
    if not items:
        return {RETURNED_VARIABLE: [Msg("退回时须至少指明一个需修改的部分及理由",
                                        "Name at least one section to correct, with its reason, to return.")]}
    seen: dict[str, int] = {}
    errors: dict[int, Any] = {}
    for index, item in enumerate(items):
        if item["section"] in seen:
            errors[index] = {"section": [Msg(f"与第{seen[item['section']] + 1}项重复",
                                            f"Repeats item {seen[item['section']] + 1}.")]}
        seen.setdefault(item["section"], index)
    return {RETURNED_VARIABLE: errors} if errors else {}


def returned_of(variables: Mapping[str, Any]) -> list[dict[str, str]]:
    """The sections the last return named ([] when none), as [{"section", "reason"}]."""
    items = variables.get(RETURNED_VARIABLE) or []
    return [i for i in items if isinstance(i, Mapping) and i.get("section") in SECTION_FIELDS]


def _optional(field: fields.Field) -> fields.Field:
    optional = copy.deepcopy(field)
    optional.required = False
    return optional


#: The plan's fields, each optional at the top (a correction sends the returned sections only, checked by
#: `process_checks`) but whole inside: a milestone or a funding row still needs every column. Not
#: `partial=True`, which would reach into the rows as well.
CorrectionPlanSchema = PlanSchema.from_dict(
    {name: _optional(field) for name, field in PlanSchema._declared_fields.items()},
    name="CorrectionPlanSchema",
)


class CorrectApplicationForm(FormSchema):
    form_key = "correct_application"
    title_zh = "补正申报材料"
    title_en = "Correct the application"

    invited_members = fields.List(
        fields.Nested(MemberSchema), metadata=label("成员单位", "Member units")
    )
    threshold_justification = Text(
        max_length=5000,
        metadata=label("成员数量不足的书面说明", "Justification for fewer members", "成员不足时必须填写"),
    )
    agreement = fields.Nested(AgreementSchema, metadata=label("组建协议", "Formation agreement"))
    chief_expert = fields.Nested(ChiefExpertSchema, metadata=label("首席专家", "Chief expert"))
    consortium_head = fields.Nested(
        ConsortiumHeadSchema, metadata=label("创新联合体负责人", "Consortium head")
    )
    plan = fields.Nested(CorrectionPlanSchema, metadata=label("建设方案", "Construction plan"))
    supplementary_document = fields.Nested(
        FileRefSchema, metadata=label("补正证明材料", "Supporting document", "上传补充或替换的证明材料")
    )
    correction_note = Text(
        max_length=5000,
        metadata=label("修改说明", "Correction note", "逐条说明针对退回意见所作的修改"),
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _members(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        """A corrected member list meets the same rules as the first one (duplicates, thresholds)."""
        if isinstance(original_data, Mapping) and "invited_members" in original_data:
            InviteMembersForm._members(self, data, original_data)

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """Only the returned sections, every one of them; and the invite/sign checks on what is sent."""
        allowed: set[str] = set()
        required: set[str] = set()
        for item in returned_of(variables):
            covered, needed = SECTION_FIELDS[item["section"]]
            allowed.update(covered)
            required.update(needed)
        sent = {f"plan.{k}" for k in data.get("plan") or {}} | {
            k for k, v in data.items() if k not in ("plan", "correction_note") and v is not None
        }
        errors: dict[str, Any] = {}
        for name in sorted(sent - allowed):
            _put(errors, name, [NOT_RETURNED])
        for name in sorted(required - sent):
            _put(errors, name, [MISSING])
        if errors:
            return errors
        if data.get("invited_members"):
            errors.update(InviteMembersForm.process_checks(data, variables))
            confirmed = {
                m.get("credit_code") for m in variables.get("invited_members") or []
                if isinstance(m, Mapping) and m.get("decision") == "confirm"
            }
            strangers = {
                i: {"credit_code": [UNCONFIRMED]}
                for i, m in enumerate(data["invited_members"]) if m.get("credit_code") not in confirmed
            }
            if strangers:
                errors.setdefault("invited_members", {}).update(strangers)
        if data.get("agreement"):
            members = data.get("invited_members") or variables.get("invited_members") or []
            merged = {**variables, "invited_members": carried_members(members, variables)}
            errors.update(SignAgreementForm.process_checks(data, merged))
        return errors


def carried_members(corrected: list[Mapping[str, Any]], variables: Mapping[str, Any]) -> list[dict]:
    """The corrected member list keeping what the procedure recorded on each unit that stays (its
    confirmation decision …): a unit is the same unit by its credit code."""
    listed = variables.get("invited_members") or []
    before = {m.get("credit_code"): m for m in listed if isinstance(m, Mapping)}
    return [{**before.get(m.get("credit_code"), {}), **m} for m in corrected]


def _put(errors: dict[str, Any], dotted: str, messages: list[Msg]) -> None:
    head, _, tail = dotted.partition(".")
    if tail:
        errors.setdefault(head, {})[tail] = messages
    else:
        errors[head] = messages
