"""A DMN input or output value converted to its column's `typeRef`, as Camunda 7's DMN engine does.

Camunda 7 user guide, "DMN Engine > Data Types": an input's value (and an output entry's) is transformed
into the column's type before the rules are tested, or the evaluation fails:

    string    from any value (its text: 95 → "95", true → "true")
    boolean   from a Boolean or the String "true"/"false" (any case)
    integer   from a Number with no fraction in Java's int range, or a String of such a number
    long      the same in Java's long range
    double    from a Number or a numeric String (finite)
    date      from a date or a String `yyyy-MM-dd'T'HH:mm:ss` (an ISO date-time with an offset is read too)

A null value stays null; a column without a typeRef, or with a type outside this list (Modeler's `number`,
`any`), takes the value unchanged (Camunda's untyped value).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

INT_RANGE = (-(2**31), 2**31 - 1)
LONG_RANGE = (-(2**63), 2**63 - 1)
TYPES = ("string", "boolean", "integer", "long", "double", "date")
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_DECIMAL = re.compile(r"[+-]?([0-9]{1,309}(\.[0-9]{0,340})?|\.[0-9]{1,340})([eE][+-]?[0-9]{1,3})?")


class NotConvertible(ValueError):
    """The value cannot be converted to the typeRef (Camunda: IllegalArgumentException)."""


def convert(value: Any, type_ref: str | None) -> Any:
    """`value` as `type_ref` (module docstring).

    Raises:
        NotConvertible: the value cannot be read as that type (the reason names the value and type).
    """
    kind = (type_ref or "").strip().lower()
    if value is None or kind not in TYPES:
        return value
    try:
        return _CONVERTERS[kind](value)
    except NotConvertible as exc:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
        raise NotConvertible(f"{shown} 不能转换为 {kind} / cannot be converted to typeRef '{kind}': "
                             f"{exc}") from None


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise NotConvertible("须为 true 或 false / must be true or false")


def _whole(value: Any, bounds: tuple[int, int], name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise NotConvertible(f"须为数字 / must be a number ({name})")
    if isinstance(value, str):
        if not _INTEGER.fullmatch(value):
            raise NotConvertible(f"须为整数 / must be a whole number ({name})")
        number = int(value)
    else:
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise NotConvertible(f"须为有限数 / must be finite ({name})")
        if value != int(value):
            raise NotConvertible(f"有小数部分 / has a fraction ({name})")
        number = int(value)
    if not bounds[0] <= number <= bounds[1]:
        raise NotConvertible(f"超出 {name} 范围 / out of the {name} range {bounds[0]}…{bounds[1]}")
    return number


def _double(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise NotConvertible("须为数字 / must be a number")
    if isinstance(value, str) and not _DECIMAL.fullmatch(value.strip()):
        raise NotConvertible("须为数字 / must be a number")
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise NotConvertible("超出 double 范围 / out of the double range") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise NotConvertible("超出 double 范围 / out of the double range")
    return number


def _date(value: Any) -> date:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
                        r"(Z|[+-][0-9]{2}:?[0-9]{2})?", text):
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                pass
    raise NotConvertible("须为日期时间 / must be a date-time yyyy-MM-dd'T'HH:mm:ss")


_CONVERTERS = {
    "string": _string,
    "boolean": _boolean,
    "integer": lambda v: _whole(v, INT_RANGE, "integer"),
    "long": lambda v: _whole(v, LONG_RANGE, "long"),
    "double": _double,
    "date": _date,
}
