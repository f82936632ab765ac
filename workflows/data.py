"""Task-data hygiene at the engine boundary.

Data leaving the engine (variables, service-call copies, resolved attributes) is made JSON-safe
so projections and APIs never meet a datetime or Decimal. Data entering it is checked for what
SpiffWorkflow's serializer writes but cannot read back: a dict with a "typename" key is taken for a
registered object on restore and breaks it (SPIFF-NOTES §4.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .errors import InvalidData


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


def check_storable(value: Any, path: str = "data") -> None:
    """Refuse data the serializer could not restore; raises InvalidData naming the path."""
    if isinstance(value, Mapping):
        if "typename" in value:
            raise InvalidData(f"字段名 typename 为保留字 / key 'typename' is reserved (at {path})")
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidData(f"键须为字符串 / keys must be strings (at {path}: {key!r})")
            check_storable(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_storable(item, f"{path}[{index}]")
