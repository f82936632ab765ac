"""Every form: its happy path, its main refusal, and the behaviour all forms share."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import forms
from forms.messages import is_bilingual
from forms.registry import FORMS, validate
from tests.supervision.data import SELF_REPORT, score_sheet

LONG = "这是一段不少于二十个字的建设方案内容，用于测试章节长度校验。"
CLAUSES = {
    "innovation_goals": "突破海洋装备关键核心技术",
    "task_division": "牵头单位负责总体设计，成员单位分工攻关",
    "rights_obligations": "各方按协议享有权利、承担义务",
    "ip_ownership": "成果归完成方所有，共同完成的共有",
    "benefit_distribution": "按投入比例分配收益",
    "breach_liability": "违约方赔偿守约方损失",
    "dispute_resolution": "协商不成提交青岛仲裁委员会仲裁",
}


def member(code: str, name: str, category: str, role: str = "general", **extra: Any) -> dict[str, Any]:
    return {"credit_code": code, "name": name, "category": category, "role": role, **extra}


FULL_MEMBERS = [
    member("91110108551385082Q", "企业甲", "enterprise", "core"),
    member("914403001922038216", "企业乙", "enterprise"),
    member("91110000600037341L", "企业丙", "enterprise"),
    member("91350100M000100Y43", "某大学", "university"),
    member("N2370281MA3C00000D", "某研究院", "institute"),
]

HAPPY: dict[str, dict[str, Any]] = {
    "initiate_consortium": {
        "consortium_name": "青岛市海洋装备产业创新联合体",
        "industry": "XX-05",
        "key_technology": "深海装备耐压结构",
        "market_need": "海洋工程装备国产化",
    },
    "invite_members": {"invited_members": FULL_MEMBERS},
    "confirm_membership": {
        "decision": "confirm", "contact_name": "张三", "contact_phone": "13912345678",
        "commitments": {"technology": "开放伺服算法专利许可"},
        "integrity_commitment": True, "commitment_signer": "张三",
    },
    "sign_agreement": {
        "agreement": {
            **CLAUSES,
            "signatories": ["91110108551385082Q", "914403001922038216"],
            "document": {"file_id": "f-1", "sha256": "ab" * 32, "name": "组建协议.pdf"},
        }
    },
    "hire_chief_expert": {
        "chief_expert": {
            "name": "李四",
            "id_type": "resident_id",
            "id_number": "11010519491231002X",
            "title": "教授",
            "affiliation_credit_code": "91350100M000100Y43",
            "field": "海洋工程",
        },
        "consortium_head": {"name": "王五", "position": "副总经理", "phone": "0532-88881234"},
    },
    "draft_plan": {
        "plan": {
            **{k: LONG for k in ("significance", "organisation", "goals", "results", "funding")},
            "milestones": [
                {"due": "2026-12-31", "milestone": "完成样机研制"},
                {"due": "2027-06-30", "milestone": "通过中试验证"},
            ],
            "funding_table": [{"source": "牵头单位自筹", "amount": 1200.5}],
        }
    },
    "submit_application": {"integrity_commitment": True, "commitment_signer": "王五"},
    "district_review": {"district_decision": "approve"},
    "correct_application": {"correction_note": "已按意见补充成员单位协议"},
    "city_formal_review": {"city_decision": "accept", "city_opinion": "材料齐全"},
    "assign_panel": {"panel": ["expert1", "expert2", "expert3"]},
    "desk_review": {"opinion": "方案可行", "recommend": True},
    "site_visit_report": {
        "visit_date": "2026-04-03",
        "location": "青岛西海岸新区",
        "participants": ["专家一", "专家二"],
        "findings": "研发平台与申报一致",
        "passed": True,
    },
    "defense_score": {
        "significance": 22.5,
        "organisation": 20,
        "goals": 18,
        "results": 12,
        "funding": 15,
        "comment": "目标明确",
        "signed": True,
    },
    "signed_score_sheet": {"sheet_id": 7, "total": 81.5, "signed": True},
    "select_for_publicity": {"selection_decision": "selected"},
    "handle_objection": {
        "objection_decision": "dismissed",
        "objection_finding": "经核实，异议内容与事实不符",
    },
    "filing_decision": {"filing_decision": "confirm", "document_no": "青科字〔2026〕12号"},
    # supervision after filing (issue 7)
    "evaluation_self_report": SELF_REPORT,
    "evaluation_district_check": {"check_decision": "verified"},
    "evaluation_score": score_sheet(82),
    "propose_member_change": {
        "additions": [
            {
                "credit_code": "91370282MA3C1005X3",
                "name": "即墨工业软件",
                "category": "enterprise",
                "role": "general",
            }
        ],
        "reason": "项目需要",
        "effective_on": "2026-04-01",
        "agreement_summary": "新增一般成员",
    },
    "member_change_consent": {"consent_decision": "agree", "signer": "王海"},
    "acknowledge_member_change": {"ack_decision": "acknowledged"},
    "lead_failure_decision": {"finding": "not_failed", "finding_detail": "经核查已按协议履约"},
    # 陈述申辩 before revocation (issue 14)
    "state_case": {
        "hearing_choice": "statement",
        "statement": "评价期内研发投入数据漏报，现补充审计报告予以说明",
    },
    "evaluation_revocation_decision": {
        "revocation_decision": "revoke",
        "decision_reasons": "陈述申辩所称事实与核查结果不符，不予采纳",
        "decision_document": "青科字〔2026〕12号",
    },
    # an evaluation entrusted to a third-party agency (issue 14 item 12)
    "assign_evaluators": {"evaluator_mode": "agency", "agency": "91370202MA3C10091L"},
    "evaluation_agency_result": {
        "agency_score": 82.5,
        "agency_grade": "pass",
        "agency_summary": "组织运行规范，研发投入达到建设方案目标",
        "agency_report": {"file_id": "f1", "sha256": "a" * 64, "name": "评估报告.pdf"},
        "agency_signed": True,
    },
}


def with_changes(form_key: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(HAPPY[form_key])
    data.update(changes)
    return data


def nested(form_key: str, key: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(HAPPY[form_key])
    data[key].update(changes)
    return data


def leaves(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [msg for value in errors.values() for msg in leaves(value)]
    return list(errors)


def test_every_form_has_a_happy_path_and_a_module_named_after_its_key():
    assert set(HAPPY) == set(FORMS)
    package = Path(forms.__file__).parent
    for form_key, cls in FORMS.items():
        assert cls.__module__ == f"forms.{form_key}"
        assert (package / f"{form_key}.py").exists()
        assert cls.title_zh and cls.title_en


@pytest.mark.parametrize("form_key", sorted(HAPPY))
def test_happy_path_loads_to_json_safe_data_that_loads_again_unchanged(form_key):
    clean, errors = validate(form_key, HAPPY[form_key])
    assert errors == {}
    assert json.loads(json.dumps(clean)) == clean
    # The output is valid input: a page can be re-opened pre-filled from the task data.
    assert validate(form_key, clean) == (clean, {})


def test_load_normalises_values():
    clean, _ = validate(
        "invite_members",
        {
            "invited_members": [member(" ９１１１０１０８５５１３８５０８２ｑ ", " 企业甲 ", "enterprise")]
            + FULL_MEMBERS[1:]
        },
    )
    assert clean["invited_members"][0]["credit_code"] == "91110108551385082Q"
    assert clean["invited_members"][0]["name"] == "企业甲"
    clean, _ = validate("site_visit_report", HAPPY["site_visit_report"])
    assert clean["visit_date"] == "2026-04-03"
    clean, _ = validate(
        "hire_chief_expert", nested("hire_chief_expert", "chief_expert", id_number="11010519491231002x")
    )
    assert clean["chief_expert"]["id_number"] == "11010519491231002X"


REFUSALS = [
    ("initiate_consortium", with_changes("initiate_consortium", industry="XX-99"), ["industry"]),
    ("initiate_consortium", with_changes("initiate_consortium", key_technology="   "), ["key_technology"]),
    ("invite_members", {"invited_members": []}, ["invited_members"]),
    (
        "invite_members",
        {"invited_members": FULL_MEMBERS + [dict(FULL_MEMBERS[0], name="重复")]},
        ["invited_members", 5, "credit_code"],
    ),
    (
        "invite_members",
        {"invited_members": [member("91350100M0001TGQXM", "试点企业", "enterprise")] + FULL_MEMBERS[1:]},
        ["invited_members", 0, "credit_code"],
    ),
    ("invite_members", {"invited_members": FULL_MEMBERS[:4]}, ["threshold_justification"]),
    ("confirm_membership", with_changes("confirm_membership", decision="decline"), ["reason"]),
    ("confirm_membership", with_changes("confirm_membership", contact_phone="12345"), ["contact_phone"]),
    # 三（六）: a confirming member states at least one commitment; a negative amount is refused
    ("confirm_membership", with_changes("confirm_membership", commitments={}), ["commitments"]),
    ("confirm_membership", with_changes("confirm_membership", commitments={"staff": 0, "technology": " "}),
     ["commitments"]),
    ("confirm_membership", with_changes("confirm_membership", commitments={"funds_wan": -5}),
     ["commitments", "funds_wan"]),
    # 三（三）: the lead unit names the consortium head beside the chief expert
    ("hire_chief_expert", {"chief_expert": HAPPY["hire_chief_expert"]["chief_expert"]}, ["consortium_head"]),
    ("hire_chief_expert", nested("hire_chief_expert", "consortium_head", phone="123"),
     ["consortium_head", "phone"]),
    ("sign_agreement", nested("sign_agreement", "agreement", ip_ownership=""), ["agreement", "ip_ownership"]),
    ("sign_agreement", nested("sign_agreement", "agreement", signatories=[]), ["agreement", "signatories"]),
    (
        "sign_agreement",
        nested("sign_agreement", "agreement", document={"file_id": "f", "sha256": "xyz", "name": "a.pdf"}),
        ["agreement", "document", "sha256"],
    ),
    (
        "hire_chief_expert",
        nested("hire_chief_expert", "chief_expert", id_number="110105194912310021"),
        ["chief_expert", "id_number"],
    ),
    (
        "hire_chief_expert",
        nested(
            "hire_chief_expert",
            "chief_expert",
            id_type="hk_macao_taiwan_permit",
            id_number="810000199001010003",
        ),
        ["chief_expert", "id_number"],
    ),
    (
        "hire_chief_expert",
        nested("hire_chief_expert", "chief_expert", affiliation_credit_code="91350100M0001TGQXM"),
        ["chief_expert", "affiliation_credit_code"],
    ),
    ("draft_plan", nested("draft_plan", "plan", goals="太短"), ["plan", "goals"]),
    (
        "submit_application",
        with_changes("submit_application", integrity_commitment=False),
        ["integrity_commitment"],
    ),
    ("district_review", with_changes("district_review", district_decision="return"), ["district_opinion"]),
    (
        "district_review",
        with_changes("district_review", district_decision="reject", district_opinion=" "),
        ["district_opinion"],
    ),
    ("correct_application", {"plan": {"goals": "太短"}}, ["plan", "goals"]),
    (
        "district_review",
        with_changes("district_review", district_decision="return", district_opinion="材料不全"),
        ["returned_sections"],
    ),
    (
        "city_formal_review",
        {"city_decision": "return", "city_opinion": "材料不全",
         "returned_sections": [{"section": "members"}]},
        ["returned_sections", 0, "reason"],
    ),
    ("city_formal_review", {"city_decision": "reject"}, ["city_opinion"]),
    ("assign_panel", {"panel": []}, ["panel"]),
    ("assign_panel", {"panel": ["e1", "e2", "e1"]}, ["panel", 2]),
    ("assign_evaluators", {}, ["panel"]),  # an expert panel by default: name its experts
    ("assign_evaluators", {"evaluator_mode": "agency"}, ["agency"]),
    ("assign_evaluators", {"evaluator_mode": "court"}, ["evaluator_mode"]),
    ("evaluation_agency_result", with_changes("evaluation_agency_result", agency_score=101),
     ["agency_score"]),
    ("evaluation_agency_result", with_changes("evaluation_agency_result", agency_grade="good"),
     ["agency_grade"]),
    ("evaluation_agency_result", with_changes("evaluation_agency_result", agency_report=None),
     ["agency_report"]),
    ("desk_review", {"recommend": True}, ["opinion"]),
    ("site_visit_report", with_changes("site_visit_report", visit_date="2026-02-30"), ["visit_date"]),
    ("site_visit_report", with_changes("site_visit_report", visit_date="03/04/2026"), ["visit_date"]),
    ("defense_score", with_changes("defense_score", goals=21), ["goals"]),
    ("defense_score", with_changes("defense_score", signed=False), ["signed"]),
    ("select_for_publicity", {"selection_decision": "not_selected"}, ["selection_opinion"]),
    ("handle_objection", {"objection_decision": "upheld"}, ["objection_finding"]),
    ("filing_decision", {"filing_decision": "confirm"}, ["document_no"]),
    ("filing_decision", {"filing_decision": "hold"}, ["hold_reason"]),
]


@pytest.mark.parametrize(
    ("form_key", "data", "path"), REFUSALS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_main_refusals_name_the_field_in_both_languages(form_key, data, path):
    clean, errors = validate(form_key, data)
    assert clean == {}
    node: Any = errors
    for key in path:
        node = node[key]
    assert node and all(isinstance(msg, str) and "/" in msg for msg in leaves(node))
    assert all(is_bilingual(msg) for msg in leaves(errors))


def test_pilot_era_code_passes_with_a_verification_note():
    items = [
        member("91350100M0001TGQXM", "试点企业", "enterprise", credit_code_override_reason="已在公示系统核对")
    ]
    clean, errors = validate("invite_members", {"invited_members": items + FULL_MEMBERS[1:]})
    assert errors == {}
    assert clean["invited_members"][0]["credit_code_override_reason"] == "已在公示系统核对"


def test_thresholds_not_met_pass_with_a_justification():
    data = {"invited_members": FULL_MEMBERS[:4], "threshold_justification": "本领域省内仅一家科研院所"}
    clean, errors = validate("invite_members", data)
    assert errors == {} and clean["threshold_justification"] == "本领域省内仅一家科研院所"


def test_duplicate_members_count_once_toward_thresholds():
    data = {"invited_members": FULL_MEMBERS[:2] + [FULL_MEMBERS[1]] + FULL_MEMBERS[3:]}
    _, errors = validate("invite_members", data)
    assert "threshold_justification" in errors


def test_passport_numbers_are_not_checked_as_resident_ids():
    data = nested("hire_chief_expert", "chief_expert", id_type="passport", id_number="e12345678")
    clean, errors = validate("hire_chief_expert", data)
    assert errors == {} and clean["chief_expert"]["id_number"] == "E12345678"


def test_hk_macao_taiwan_permit_of_18_characters_uses_the_id_check():
    data = nested(
        "hire_chief_expert", "chief_expert", id_type="hk_macao_taiwan_permit", id_number="11010519491231002X"
    )
    assert validate("hire_chief_expert", data)[1] == {}


def test_all_errors_come_back_at_once_across_fields_and_list_items():
    data = {
        "invited_members": [
            member("123", "", "enterprise"),
            member("91110108551385082Q", "企业乙", "company"),
            "not a member",
            dict(FULL_MEMBERS[0], email="x@example.com"),
        ],
    }
    _, errors = validate("invite_members", data)
    items = errors["invited_members"]
    assert set(items[0]) == {"credit_code", "name"}
    assert set(items[1]) == {"category"}
    assert "_schema" in items[2]
    assert set(items[3]) == {"email", "credit_code"}  # unknown field, and duplicates item 2's code
    assert "threshold_justification" in errors
    messages = leaves(errors)
    assert len(messages) == 7 and all(is_bilingual(m) for m in messages)


def test_conditional_requirement_does_not_pile_on_a_field_that_already_failed():
    _, errors = validate(
        "confirm_membership", with_changes("confirm_membership", decision="decline", reason=5)
    )
    assert errors == {"reason": ["不是有效的文本 / Not a valid string."]}


@pytest.mark.parametrize("form_key", ["desk_review", "sign_agreement"])
def test_unknown_fields_are_refused_at_every_level(form_key):
    data = with_changes(form_key, opinon="typo")
    _, errors = validate(form_key, data)
    assert errors == {"opinon": ["未知字段（请检查字段名是否拼写正确） / Unknown field."]}


def test_unknown_field_inside_a_nested_object_is_refused():
    _, errors = validate("draft_plan", nested("draft_plan", "plan", summary=LONG))
    assert list(errors) == ["plan"] and list(errors["plan"]) == ["summary"]


def test_non_object_input_is_refused_bilingually():
    _, errors = validate("desk_review", ["opinion"])
    assert errors == {"_schema": ["输入类型无效，应为对象 / Invalid input type."]}


def test_missing_required_fields_use_the_bilingual_default():
    _, errors = validate("defense_score", {})
    assert set(errors) == {"significance", "organisation", "goals", "results", "funding", "comment", "signed"}
    assert errors["comment"] == ["此项为必填项 / Missing data for required field."]


def test_score_range_and_type_messages_are_bilingual():
    _, errors = validate(
        "defense_score", with_changes("defense_score", significance=-1, funding="many", goals=True)
    )
    assert errors["significance"] == ["应在 0 至 25 之间 / Must be between 0 and 25."]
    assert errors["funding"] == ["不是有效的数字 / Not a valid number."]
    assert errors["goals"] == ["不是有效的数字 / Not a valid number."]


def _boolean_fields(schema: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(path, field) of every Boolean field of `schema`, nested objects and lists of objects included."""
    from marshmallow import fields as mf

    found = []
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, mf.List) else field
        if isinstance(inner, mf.Boolean):
            found.append(((*path, name), inner))
        elif isinstance(inner, mf.Nested):
            found.extend(_boolean_fields(inner.schema, (*path, name)))
    return found


LENIENT = ["yes", "no", "on", "1", "0", "True", "TRUE", "y", 1, 0, 1.0, 0.0]


@pytest.mark.parametrize("form_key", sorted(FORMS))
def test_every_boolean_of_every_form_is_a_boolean_or_true_false_text(form_key):
    """report-a finding 6: "yes", "on", 1 … are refused by every tick box of the built-in forms (the
    /engine-rest completion, submit-form and the pages share these schemas); a Boolean or the text
    "true"/"false" (Camunda's generated-form boolean type) is taken."""
    from forms.fields import StrictBoolean

    for path, field in _boolean_fields(FORMS[form_key]()):
        assert isinstance(field, StrictBoolean), (form_key, path)
        for value in LENIENT:
            with pytest.raises(Exception) as refused:
                field.deserialize(value)
            assert is_bilingual(refused.value.messages[0]), (form_key, path, value)
        assert field._deserialize("true", None, None) is True
        assert field._deserialize("false", None, None) is False


@pytest.mark.parametrize(("form_key", "field"), [
    ("evaluation_agency_result", "agency_signed"),
    ("evaluation_self_report", "truthful"),
    ("submit_application", "integrity_commitment"),
    ("desk_review", "recommend"),
    ("site_visit_report", "passed"),
])
@pytest.mark.parametrize("value", ["yes", 1, "on"])
def test_a_lenient_boolean_is_refused_naming_the_field(form_key, field, value):
    data = {**copy.deepcopy(HAPPY[form_key]), field: value}
    clean, errors = validate(form_key, data)
    assert clean == {} and set(errors) == {field}, errors
    assert is_bilingual(errors[field][0]) and "true" in errors[field][0]
    data[field] = "true"
    assert validate(form_key, data)[1] == {}
