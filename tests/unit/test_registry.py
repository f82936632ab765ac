"""The registry: lookup by formKey, JSON Schema for rendering, and checks against process variables."""

from __future__ import annotations

import pytest

from forms.registry import FORMS, UnknownForm, get_form, json_schema, process_checks, validate
from tests.unit.test_forms import CLAUSES, FULL_MEMBERS, HAPPY

LEAD = "91370200MA3C00001N"  # a Qingdao-registered lead unit


def test_get_form_returns_a_fresh_schema_and_unknown_keys_raise_a_clear_error():
    assert get_form("desk_review") is not get_form("desk_review")
    with pytest.raises(UnknownForm) as info:
        get_form("desk_reveiw")
    assert info.value.form_key == "desk_reveiw"
    assert "desk_reveiw" in str(info.value) and "desk_review" in str(info.value)
    assert isinstance(info.value, KeyError)


@pytest.mark.parametrize(
    "call",
    [lambda: validate("nope", {}), lambda: json_schema("nope"), lambda: process_checks("nope", {}, {})],
)
def test_every_entry_point_raises_unknown_form(call):
    with pytest.raises(UnknownForm):
        call()


def test_json_schema_of_confirm_membership():
    schema = json_schema("confirm_membership")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert (schema["title"], schema["x-title-en"]) == ("确认参加创新联合体", "Confirm membership")
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["decision", "contact_name", "contact_phone"]
    decision = schema["properties"]["decision"]
    assert decision["title"] == "是否参加" and decision["x-title-en"] == "Decision"
    assert decision["enum"] == ["confirm", "decline"]
    assert {"const": "decline", "title": "拒绝参加", "x-title-en": "Decline"} in decision["oneOf"]
    assert schema["properties"]["reason"]["type"] == ["string", "null"]
    assert schema["properties"]["contact_phone"]["pattern"].startswith("^")
    assert schema["allOf"] == [
        {
            "if": {"properties": {"decision": {"enum": ["decline"]}}, "required": ["decision"]},
            "then": {"properties": {"reason": {"type": "string", "minLength": 1}}, "required": ["reason"]},
        }
    ]


def test_json_schema_of_nested_lists_ranges_and_dates():
    members = json_schema("invite_members")["properties"]["invited_members"]
    assert members["type"] == "array" and members["minItems"] == 1
    item = members["items"]
    assert item["required"] == ["credit_code", "name", "category", "role"]
    assert item["properties"]["credit_code"]["format"] == "uscc"
    assert item["x-check-char-overrides"] == {"credit_code": "credit_code_override_reason"}

    score = json_schema("defense_score")["properties"]
    assert (score["goals"]["type"], score["goals"]["minimum"], score["goals"]["maximum"]) == ("number", 0, 20)
    assert score["signed"] == {
        "title": "本人确认以上评分并签名",
        "x-title-en": "I sign this score sheet",
        "type": "boolean",
        "const": True,
    }
    assert json_schema("site_visit_report")["properties"]["visit_date"]["format"] == "date"
    plan = json_schema("draft_plan")["properties"]["plan"]
    assert plan["properties"]["funding"]["minLength"] == 20
    assert plan["properties"]["funding"]["title"] == "经费投入与保障措施"


def test_every_form_has_a_json_schema_with_chinese_titles_on_every_field():
    for form_key in FORMS:
        schema = json_schema(form_key)
        assert schema["x-form-key"] == form_key
        for prop in schema["properties"].values():
            assert prop["title"] and prop["x-title-en"]


def _agreement(signatories: list[str]) -> dict:
    clean, errors = validate("sign_agreement", {"agreement": {**CLAUSES, "signatories": signatories}})
    assert errors == {}
    return clean


VARIABLES = {
    "lead_credit_code": LEAD,
    "lead_name": "牵头公司",
    "invited_members": [
        dict(FULL_MEMBERS[0], decision="confirm"),
        dict(FULL_MEMBERS[1], decision="confirm"),
        dict(FULL_MEMBERS[2], decision="decline"),
    ],
}


def test_agreement_signed_by_lead_and_every_confirmed_member_passes():
    data = _agreement([LEAD, FULL_MEMBERS[1]["credit_code"], FULL_MEMBERS[0]["credit_code"]])
    assert process_checks("sign_agreement", data, VARIABLES) == {}


def test_missing_signatories_are_named():
    data = _agreement([FULL_MEMBERS[0]["credit_code"]])
    errors = process_checks("sign_agreement", data, VARIABLES)
    [msg] = errors["agreement"]["signatories"]
    assert msg.zh == f"以下单位尚未签署：牵头公司（{LEAD}）、企业乙（914403001922038216）"
    assert msg.en == f"Not signed by: 牵头公司 ({LEAD}), 企业乙 (914403001922038216)."


def test_a_declined_member_cannot_sign_and_is_reported_by_position():
    declined = FULL_MEMBERS[2]["credit_code"]
    data = _agreement([LEAD, FULL_MEMBERS[0]["credit_code"], FULL_MEMBERS[1]["credit_code"], declined])
    errors = process_checks("sign_agreement", data, VARIABLES)
    assert list(errors["agreement"]["signatories"]) == [3]


def test_missing_and_stranger_signatories_are_reported_together():
    data = _agreement([LEAD, FULL_MEMBERS[2]["credit_code"]])
    signatories = process_checks("sign_agreement", data, VARIABLES)["agreement"]["signatories"]
    assert set(signatories) == {"_schema", 1}
    assert "企业甲" in signatories["_schema"][0] and "企业乙" in signatories["_schema"][0]


def test_inviting_the_lead_unit_as_a_member_is_refused():
    clean, _ = validate("invite_members", HAPPY["invite_members"])
    variables = {"lead_credit_code": FULL_MEMBERS[3]["credit_code"].lower()}
    errors = process_checks("invite_members", clean, variables)
    assert list(errors["invited_members"]) == [3]
    assert process_checks("invite_members", clean, {"lead_credit_code": LEAD}) == {}


def test_forms_without_process_checks_return_no_errors():
    assert process_checks("desk_review", HAPPY["desk_review"], {}) == {}
