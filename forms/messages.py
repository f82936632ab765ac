"""Bilingual user-facing messages: Chinese first, English second.

Users of the bureau read Chinese; integrators and logs read English. A `Msg` *is* the combined string
"中文 / English", so it flows through marshmallow, JSON and templates unchanged, while `.zh` and `.en`
let a page show one language.
"""

from __future__ import annotations

import functools
import re
from typing import Any

SEPARATOR = " / "


class Msg(str):
    """A message whose value is "zh / en"; `.format` formats both halves, so marshmallow keeps the type."""

    zh: str
    en: str

    def __new__(cls, zh: str, en: str) -> Msg:
        obj = super().__new__(cls, f"{zh}{SEPARATOR}{en}")
        obj.zh = zh
        obj.en = en
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        # copy.deepcopy (marshmallow deep-copies fields per schema) would otherwise call Msg(str(self)).
        return (type(self), (self.zh, self.en))

    def format(self, *args: Any, **kwargs: Any) -> Msg:  # type: ignore[override]
        """Format both halves; `Msg` arguments contribute their own language to each half."""
        return Msg(
            self.zh.format(*_side(args, "zh"), **_side(kwargs, "zh")),
            self.en.format(*_side(args, "en"), **_side(kwargs, "en")),
        )


def _side(values: Any, lang: str) -> Any:
    if isinstance(values, dict):
        return {k: getattr(v, lang) if isinstance(v, Msg) else v for k, v in values.items()}
    return [getattr(v, lang) if isinstance(v, Msg) else v for v in values]


def is_bilingual(message: object) -> bool:
    """True if `message` carries both languages (a `Msg`, or a string in the "zh / en" shape)."""
    if isinstance(message, Msg):
        return True
    if not isinstance(message, str) or SEPARATOR not in message:
        return False
    zh, _, en = message.partition(SEPARATOR)
    return any("\u4e00" <= ch <= "\u9fff" for ch in zh) and any(ch.isascii() and ch.isalpha() for ch in en)


def join_zh(items: list[str]) -> str:
    """Chinese enumeration uses the enumeration comma 、."""
    return "、".join(items)


def join_en(items: list[str]) -> str:
    return ", ".join(items)


# Generic messages shared by all forms.
REQUIRED = Msg("此项为必填项", "Missing data for required field.")
NULL = Msg("此项不能为空值", "Field may not be null.")
BLANK = Msg("此项不能为空", "Must not be blank.")
INVALID = Msg("输入无效", "Invalid value.")
UNKNOWN_FIELD = Msg("未知字段（请检查字段名是否拼写正确）", "Unknown field.")
INVALID_INPUT_TYPE = Msg("输入类型无效，应为对象", "Invalid input type.")
MUST_BE_TRUE = Msg("必须勾选确认", "Must be true.")
DUPLICATE_ITEM = Msg("第{index}项与第{first}项重复", "Item {index} duplicates item {first}.")

#: marshmallow's stock English messages and their bilingual replacements, keyed by the English text so
#: that the translation follows whichever field class produced the message.
DEFAULT_TRANSLATIONS: dict[str, Msg] = {
    m.en: m
    for m in (
        REQUIRED,
        NULL,
        INVALID,
        INVALID_INPUT_TYPE,
        UNKNOWN_FIELD,
        Msg("不是有效的文本", "Not a valid string."),
        Msg("不是有效的 UTF-8 文本", "Not a valid utf-8 string."),
        Msg("不是有效的数字", "Not a valid number."),
        Msg("数字过大", "Number too large."),
        Msg("不是有效的整数", "Not a valid integer."),
        Msg("不允许 NaN 或无穷大", "Special numeric values (nan or infinity) are not permitted."),
        Msg("不是有效的布尔值（是/否）", "Not a valid boolean."),
        Msg("不是有效的日期，格式应为 YYYY-MM-DD", "Not a valid date."),
        Msg("不是有效的列表", "Not a valid list."),
        Msg("不是有效的对象", "Not a valid mapping type."),
        Msg("类型无效，应为对象", "Invalid type."),
        Msg("不是有效的日期时间", "Not a valid datetime."),
        Msg("不是有效的带时区日期时间", "Not a valid aware datetime."),
        Msg("不是有效的时间", "Not a valid time."),
        Msg("不是有效的电子邮件地址", "Not a valid email address."),
        Msg("不是有效的网址", "Not a valid URL."),
        Msg("不是有效的 UUID", "Not a valid UUID."),
        Msg("不是有效的数组", "Not a valid tuple."),
    )
}

# Validator messages (templates filled by marshmallow's validators).
LENGTH_MIN = Msg("长度不能少于 {min}", "Shorter than minimum length {min}.")
LENGTH_MAX = Msg("长度不能超过 {max}", "Longer than maximum length {max}.")
LENGTH_ALL = Msg("长度应在 {min} 至 {max} 之间", "Length must be between {min} and {max}.")
LENGTH_EQUAL = Msg("长度应为 {equal}", "Length must be {equal}.")
RANGE_MIN = Msg("不能小于 {min}", "Must be greater than or equal to {min}.")
RANGE_MIN_EXCL = Msg("必须大于 {min}", "Must be greater than {min}.")
RANGE_MAX = Msg("不能大于 {max}", "Must be less than or equal to {max}.")
RANGE_MAX_EXCL = Msg("必须小于 {max}", "Must be less than {max}.")
RANGE_ALL = Msg("应在 {min} 至 {max} 之间", "Must be between {min} and {max}.")
ONE_OF = Msg("必须是以下之一：{choices}", "Must be one of: {choices}.")
EQUAL = Msg("必须等于 {other}", "Must be equal to {other}.")
PATTERN = Msg("格式不正确", "String does not match expected pattern.")


_VALIDATOR_TEMPLATES = (LENGTH_MIN, LENGTH_MAX, LENGTH_ALL, LENGTH_EQUAL, RANGE_MIN, RANGE_MIN_EXCL,
                        RANGE_MAX, RANGE_MAX_EXCL, RANGE_ALL, ONE_OF, EQUAL)


@functools.cache
def _template_patterns() -> tuple[tuple[re.Pattern[str], Msg], ...]:
    """Each validator template's English text as a pattern whose groups are its placeholders."""
    found = []
    for msg in _VALIDATOR_TEMPLATES:
        parts = re.split(r"\{(\w+)\}", msg.en)
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        found.append((re.compile(f"^{pattern}$", re.DOTALL), msg))
    return tuple(found)


def translated(messages: Any) -> Any:
    """marshmallow's error messages (`ValidationError.normalized_messages()`: nested dicts and lists of
    strings) with every stock English message, and every validator message marshmallow filled in
    (`Longer than maximum length 200.`), made bilingual; a message already in both languages is kept,
    any other English one is tagged 输入无效 (`bilingual`)."""
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translated(value) for value in messages]
    if not isinstance(messages, str) or is_bilingual(messages):
        return messages
    if messages in DEFAULT_TRANSLATIONS:
        return DEFAULT_TRANSLATIONS[messages]
    for pattern, msg in _template_patterns():
        if match := pattern.match(messages):
            return msg.format(**match.groupdict())
    return bilingual(messages)


def bilingual(message: str) -> Msg:
    """`message` as a `Msg`: translated if it is a known marshmallow default, else tagged "invalid"."""
    if isinstance(message, Msg):
        return message
    return DEFAULT_TRANSLATIONS.get(message) or Msg(INVALID.zh, message)
