"""A body `/api` refuses names each field in Chinese first and in English (the UI's promise), whatever
marshmallow check refused it: a missing field, a wrong type, a validator's limit or choice."""

from __future__ import annotations

from forms.messages import is_bilingual, translated


def test_api_field_errors_speak_both_languages(server):
    city = server.client("city1")
    refused = city.post("/api/evaluation-agencies", json={
        "qualification": 5, "name": "名" * 201, "category": "partnership", "surprise": 1,
    })
    assert refused.status_code == 422
    fields = refused.json()["fields"]
    assert set(fields) == {"creditCode", "qualification", "name", "category", "surprise"}
    assert fields["creditCode"] == ["此项为必填项 / Missing data for required field."]
    assert fields["qualification"] == ["不是有效的文本 / Not a valid string."]
    assert fields["name"] == ["长度不能超过 200 / Longer than maximum length 200."]
    assert fields["category"][0].startswith("必须是以下之一：enterprise, institute, other / Must be one of")
    assert all(is_bilingual(m) for messages in fields.values() for m in messages)


def test_nested_messages_and_unknown_english_ones():
    messages = {"items": {"0": {"at": ["Not a valid datetime."]}}, "x": ["Length must be between 1 and 9."],
                "own": ["必须晚于开始日期 / Must be after the start"], "odd": ["Something else."]}
    assert translated(messages) == {
        "items": {"0": {"at": ["不是有效的日期时间 / Not a valid datetime."]}},
        "x": ["长度应在 1 至 9 之间 / Length must be between 1 and 9."],
        "own": ["必须晚于开始日期 / Must be after the start"],
        "odd": ["输入无效 / Something else."],
    }
