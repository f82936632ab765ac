"""`Msg` keeps both languages through marshmallow's formatting and copying."""

from __future__ import annotations

import copy
import json

from forms.messages import Msg, bilingual, is_bilingual


def test_msg_is_the_combined_string_with_both_halves():
    msg = Msg("此项为必填项", "Missing data for required field.")
    assert msg == "此项为必填项 / Missing data for required field."
    assert (msg.zh, msg.en) == ("此项为必填项", "Missing data for required field.")
    assert (
        json.dumps({"e": msg}, ensure_ascii=False)
        == '{"e": "此项为必填项 / Missing data for required field."}'
    )


def test_format_fills_both_halves_and_keeps_the_type():
    msg = Msg("长度不能少于 {min}", "Shorter than minimum length {min}.").format(min=20)
    assert isinstance(msg, Msg)
    assert (msg.zh, msg.en) == ("长度不能少于 20", "Shorter than minimum length 20.")


def test_msg_arguments_give_each_half_its_own_language():
    outer = Msg("应{op}", "Must be {op}.")
    assert outer.format(op=Msg("大于零", "positive")) == "应大于零 / Must be positive."


def test_deepcopy_keeps_the_halves():
    msg = copy.deepcopy(Msg("中文", "English"))
    assert isinstance(msg, Msg) and msg.zh == "中文" and msg.en == "English"


def test_marshmallow_defaults_are_translated_and_unknown_text_is_tagged():
    assert bilingual("Not a valid integer.").zh == "不是有效的整数"
    unknown = bilingual("Something new.")
    assert is_bilingual(unknown) and unknown.en == "Something new."


def test_is_bilingual_needs_chinese_then_english():
    assert is_bilingual("必填 / Required")
    assert not is_bilingual("Required")
    assert not is_bilingual("Required / 必填")
