"""Task-data hygiene at the engine boundary.

Data leaving the engine (variables, service-call copies, resolved attributes) is made JSON-safe
so projections and APIs never meet a datetime or Decimal; `camunda_types` keeps what JSON loses, the
Camunda type of a date (`Date`), so a value round-trips with its type (issue 12 fault 7). Data
entering it is checked for what SpiffWorkflow's serializer cannot write, or writes but cannot read
back (`check_storable`): an iterator or other object a script left behind, a dict with a "typename"
key (taken for a registered object on restore, SPIFF-NOTES §4.1), a key JSON cannot write, a number
that is not finite. (Tuples and sets are written as lists, number keys as text, as SpiffWorkflow
always did.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from .errors import InvalidData

STORED_AS_IS = (str, int, bool, type(None), datetime, date, timedelta, UUID)
"""Scalars the serializer writes and restores unchanged (JSON's own, and those registered with
SpiffWorkflow's registry or ours in serializer.py); floats and Decimals only when finite."""


def json_safe(value: Any) -> Any:
    """Deep copy of `value` with dates as ISO strings, Decimals as strings, sets/tuples as lists."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items() if not callable(v)}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def camunda_types(variables: Mapping[str, Any]) -> dict[str, str]:
    """The Camunda type of each top-level variable that JSON would not tell: `Date` for a datetime or
    a date (a date means its midnight). Everything else is typed from its JSON value at the edge."""
    return {name: "Date" for name, value in variables.items() if isinstance(value, datetime | date)}


def check_storable(value: Any, path: str = "data") -> None:
    """Refuse data the serializer could not write or restore unchanged.

    `path` names the value in the message (a nested value is named `path.key[0]`).

    Raises:
        InvalidData: bilingual, naming the path and the reason.
    """
    problem = unstorable(value, path)
    if problem is not None:
        where, zh, en = problem
        raise InvalidData(f"{zh}（{where}）/ {where}: {en}")


def check_variables(variables: Mapping[str, Any], element_id: str | None = None) -> None:
    """`check_storable` for each variable, the message naming the variable and, when given, the
    element whose step set it (Camunda names both in its serialization errors).

    Raises:
        InvalidData: naming the variable, the element and the reason.
    """
    for name, value in variables.items():
        problem = unstorable(value, name)
        if name == "typename" or not isinstance(name, str):
            problem = (repr(name), "变量名 typename 为保留字，变量名须为字符串",
                       "the name 'typename' is reserved and names must be strings")
        if problem is not None:
            where, zh, en = problem
            at = f" (element {element_id})" if element_id else ""
            zh_at = f"（元素 {element_id}）" if element_id else ""
            raise InvalidData(f"变量 {name} 无法保存{zh_at}：{zh}（{where}）/ variable {name!r} cannot be "
                              f"stored{at}: {where}: {en}")


def unstorable(value: Any, path: str) -> tuple[str, str, str] | None:
    """The first part of `value` that cannot be stored as `(path, reason zh, reason en)`, else None."""
    if isinstance(value, STORED_AS_IS):
        return None
    if isinstance(value, float | Decimal):
        finite = math.isfinite(value)
        return None if finite else (path, "数值须为有限数", f"a number must be finite, got {value}")
    if isinstance(value, dict):
        if "typename" in value:
            return path, "字段名 typename 为保留字", "the key 'typename' is reserved"
        for key, item in value.items():
            if not isinstance(key, str | int | float | bool) and key is not None:  # JSON makes those text
                return path, "键须为字符串", f"keys must be strings, got {key!r}"
            problem = unstorable(item, f"{path}.{key}")
            if problem is not None:
                return problem
        return None
    if isinstance(value, list | tuple | set):  # SpiffWorkflow writes a tuple or a set as a list
        for index, item in enumerate(value):
            problem = unstorable(item, f"{path}[{index}]")
            if problem is not None:
                return problem
        return None
    kind = type(value).__name__
    if hasattr(value, "__iter__"):
        return path, f"{kind} 类型的值无法保存，请用 list(...) 转换为列表", \
            f"a value of type {kind} cannot be stored; make it a list with list(...)"
    return path, f"{kind} 类型的值无法保存", f"a value of type {kind} cannot be stored"
