"""What SpiffWorkflow's serializer can store and restore unchanged (issue 12 fault 7).

Pure functions with no imports from the rest of `workflows`, so the sandbox (which checks what a script
leaves behind) and `data` (which checks what enters through a command) share them without a cycle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

STORED_AS_IS = (str, int, bool, type(None), datetime, date, timedelta, UUID)
"""Scalars the serializer writes and restores unchanged (JSON's own, and those registered with
SpiffWorkflow's registry or ours in serializer.py); floats and Decimals only when finite."""


class UnstorableValue(ValueError):
    """A script left a value in the task data that cannot be stored; str(e) names it (bilingual)."""


def describe(variables: Mapping[str, Any], element_id: str | None = None) -> str | None:
    """A bilingual message naming the first variable of `variables` that cannot be stored (and the
    element, when given), or None when all can."""
    for name, value in variables.items():
        problem = unstorable(value, name)
        if name == "typename" or not isinstance(name, str):
            problem = (repr(name), "变量名 typename 为保留字，变量名须为字符串",
                       "the name 'typename' is reserved and names must be strings")
        if problem is not None:
            where, zh, en = problem
            at = f" (element {element_id})" if element_id else ""
            zh_at = f"（元素 {element_id}）" if element_id else ""
            return (f"变量 {name} 无法保存{zh_at}：{zh}（{where}）/ variable {name!r} cannot be "
                    f"stored{at}: {where}: {en}")
    return None


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
