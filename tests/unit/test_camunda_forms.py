"""`forms.camunda_forms`: a `.form` checked structurally, and the schema built from it or from
`camunda:formData` (issue 15 item 1)."""

from __future__ import annotations

import json

import pytest

from forms import camunda_forms as cf


def _doc(*components) -> bytes:
    return json.dumps({"type": "default", "id": "Form_x", "components": list(components)}).encode()


@pytest.mark.parametrize(("content", "named"), [
    (b"{nope", "not JSON"),
    (json.dumps({"type": "default"}).encode(), "components"),
    (_doc({"key": "a"}), "components[0]"),
    (_doc({"type": "textfield"}), "components[0] (textfield)"),
    (_doc({"type": "textfield", "key": "a"}, {"type": "number", "key": "a"}), "duplicate field key 'a'"),
    (_doc({"type": "textfield", "key": "a", "validate": {"pattern": "("}}), "validate.pattern"),
    (_doc({"type": "textfield", "key": "a", "validate": {"minLength": "2"}}), "validate.minLength"),
    (_doc({"type": "group", "components": [{"type": "select"}]}), "components[0].components[0]"),
    (_doc({"type": "textfield", "key": "a", "properties": {"validator": "astrology"}}), "astrology"),
])
def test_a_broken_form_is_refused_naming_the_file_and_place(content, named):
    with pytest.raises(cf.FormDefinitionInvalid) as info:
        cf.parse_form_js("x.form", content)
    assert str(info.value).startswith("x.form") and named in str(info.value)


def test_schema_from_a_form_checks_types_and_constraints_and_keeps_other_variables():
    document = cf.parse_form_js("x.form", _doc(
        {"type": "text", "text": "# title"},
        {"type": "group",
         "components": [{"type": "textfield", "key": "name", "validate": {"required": True}}]},
        {"type": "number", "key": "amount", "validate": {"min": 1, "max": 10}},
        {"type": "checkbox", "key": "ok"},
        {"type": "radio", "key": "pick", "values": [{"label": "A", "value": "a"}]},
        {"type": "datetime", "key": "due", "subtype": "date"},
        {"type": "checklist", "key": "many", "values": [{"label": "A", "value": "a"}]},
    ))
    rules = cf.form_js_rules(document)
    clean, errors = cf.validate_data(rules, {"name": "", "amount": 11, "ok": "perhaps", "pick": "b",
                                             "due": "tomorrow", "many": ["z"]})
    assert clean == {} and set(errors) == {"name", "amount", "ok", "pick", "due", "many"}
    assert " / " in errors["amount"][0]  # bilingual, as every form's messages
    clean, errors = cf.validate_data(rules, {"name": "张三", "amount": 3, "ok": True, "pick": "a",
                                             "due": "2026-12-31", "many": ["a"], "other": {"x": 1}})
    assert errors == {} and clean["other"] == {"x": 1} and clean["amount"] == 3.0


def test_generated_fields_and_their_form_js_rendering():
    rules = cf.form_data_rules([
        {"id": "n", "type": "long", "label": "份数", "validation": [{"name": "max", "config": "9"}]},
        {"id": "level", "type": "enum", "options": [{"id": "pub", "name": "公开"}],
         "validation": [{"name": "required", "config": None}, {"name": "readonly", "config": None}]},
    ], element="Task_1")
    shown = {"level": "pub"}  # a read-only field may send back only what the form shows
    errors = cf.validate_data(rules, {"n": 10, "level": "pub"}, shown)[1]
    assert set(errors) == {"n"} and "9" in errors["n"][0] and "9.0" not in errors["n"][0]
    assert cf.validate_data(rules, {"n": 1.5, "level": "pub"}, shown)[1].keys() == {"n"}
    assert cf.validate_data(rules, {"n": 1, "level": "other"}, shown)[1].keys() == {"level"}
    drawn = cf.rules_to_form_js(rules)
    assert drawn["components"][0] == {"type": "number", "key": "n", "id": "Field_n", "label": "份数",
                                      "validate": {"max": 9}, "decimalDigits": 0}
    assert drawn["components"][1]["values"] == [{"label": "公开", "value": "pub"}]
    assert drawn["components"][1]["disabled"] is True  # shown, never sent back by the viewer
    assert cf.form_js_rules(drawn)[1].options == ["pub"]
    with pytest.raises(cf.FormDefinitionInvalid, match="Task_1 formField 'x'"):
        cf.form_data_rules([{"id": "x", "type": "color"}], element="Task_1")
    with pytest.raises(cf.FormDefinitionInvalid, match="bad config"):
        cf.form_data_rules([{"id": "x", "type": "string",
                             "validation": [{"name": "minlength", "config": "a"}]}])


@pytest.mark.parametrize("value", [1, 0, 1.0, "yes", "on", "1", "True"])
def test_a_drawn_or_generated_checkbox_takes_a_boolean_or_true_false_text_only(value):
    """report-a finding 6: 1 hashed equal to True and slipped through `truthy={True, "true"}`."""
    drawn = cf.form_js_rules(cf.parse_form_js("x.form", _doc({"type": "checkbox", "key": "ok"})))
    generated = cf.form_data_rules([{"id": "ok", "type": "boolean"}], element="Task_1")
    for rules in (drawn, generated):
        clean, errors = cf.validate_data(rules, {"ok": value})
        assert clean == {} and set(errors) == {"ok"} and " / " in errors["ok"][0]
        assert cf.validate_data(rules, {"ok": "true"}) == ({"ok": True}, {})
        assert cf.validate_data(rules, {"ok": False}) == ({"ok": False}, {})
