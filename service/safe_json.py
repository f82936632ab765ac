"""JSON and text as the HTTP edges accept them (issue 11, fault 11), shared by /api, /engine-rest and the
pages (a page posting a form-js form's values as JSON): NUL bytes and lone surrogates refused (PostgreSQL
cannot store them), nesting depth bounded (the parser would recurse), NaN/Infinity refused (not JSON),
numbers bounded in length. Each refusal is a MalformedRequest (400) naming the field.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import InvalidInput

MAX_DEPTH = 64  # JSON nesting: the deepest form (plan sections, typed variables) needs well under 10
MAX_DIGITS = 100  # digits of a JSON number: anything longer is no id, score or amount
UNSAFE = re.compile("[\x00\ud800-\udfff]")
TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class MalformedRequest(InvalidInput):
    """A request no view should see (400 on every edge): unsafe characters, bad JSON, numbers out of range."""

    def __init__(self, field: str, reason: str, more: dict[str, list[str]] | None = None) -> None:
        fields = {field: [reason], **(more or {})}
        super().__init__(said("请求参数无效 / Invalid request", fields), fields)
        self.field, self.reason = field, reason

    @classmethod
    def of(cls, errors: dict[str, list[str]]) -> MalformedRequest:
        """One MalformedRequest naming every field of `errors` (not empty) at once."""
        (field, reasons), *rest = errors.items()
        return cls(field, reasons[0], {field: reasons, **dict(rest)})


def said(headline: str, fields: dict[str, list[str]]) -> str:
    """`headline` ("中文 / English") and each field's first reason ("中文 / English"), as one "中文 / English"
    message: the Chinese halves first, then the English ones, so a page can show either half."""
    zh_head, _, en_head = headline.partition(" / ")
    zh, en = [], []
    for name, reasons in fields.items():
        reason = str(reasons[0]) if reasons else ""
        zh_reason, sep, en_reason = reason.partition(" / ")
        zh.append(f"{name}：{zh_reason}")
        en.append(f"{name}: {en_reason if sep else zh_reason}")
    return f"{zh_head}：{'；'.join(zh)} / {en_head or zh_head}: {'; '.join(en)}"


def check_text(value: str, field: str) -> None:
    """MalformedRequest if `value` holds a NUL byte or a lone surrogate (neither can be stored or encoded)."""
    found = UNSAFE.search(value)
    if found:
        what = "NUL 字符 / a NUL byte" if found.group() == "\x00" else "孤立代理字符 / a lone surrogate"
        raise MalformedRequest(field, f"含有{what}")


def loads(raw: str | bytes, field: str = "body") -> Any:
    """Parse a JSON document safely; MalformedRequest naming the first bad place.

    Refused: invalid JSON or UTF-8, nesting deeper than MAX_DEPTH, NaN/Infinity (not JSON), numbers longer
    than MAX_DIGITS digits or overflowing a double, NUL bytes and lone surrogates in any key or string.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedRequest(field, "不是 UTF-8 编码 / not UTF-8") from None
    depth = 0
    for token in TOKENS.finditer(raw):
        symbol = token.group()
        if symbol in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise MalformedRequest(field, f"嵌套超过 {MAX_DEPTH} 层 / nested deeper than {MAX_DEPTH}")
        elif symbol in "]}":
            depth -= 1
    try:
        value = json.loads(raw, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except MalformedRequest:
        raise
    except (ValueError, RecursionError) as exc:
        raise MalformedRequest(field, f"不是合法的 JSON / not valid JSON: {exc}") from None
    _check_strings(value, field)
    return value


def _constant(name: str) -> Any:
    raise MalformedRequest("body", f"{name} 不是合法的 JSON 数值 / {name} is not a JSON number")


def _float(text: str) -> float:
    if len(text) > MAX_DIGITS:
        raise MalformedRequest("body", "数值过长 / number too long")
    number = float(text)
    if not math.isfinite(number):
        raise MalformedRequest("body", f"数值超出范围 / number out of range: {text}")
    return number


def _int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise MalformedRequest("body", "数值过长 / number too long")
    return int(text)


def _check_strings(value: Any, field: str) -> None:
    stack: list[tuple[Any, str]] = [(value, field)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            check_text(item, path)
        elif isinstance(item, dict):
            for key, inner in item.items():
                check_text(key, path)
                stack.append((inner, f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}[{i}]") for i, inner in enumerate(item))
