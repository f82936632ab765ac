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

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .errors import InvalidData
from .storable import describe, unstorable


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


class Short(int):
    """A whole number declared Camunda `Short` where it came in (JSON cannot tell it from an Integer).
    Stored as a plain int; `camunda_types` reports it while it is in memory, and the service keeps the
    type in the instance's stored types while the value stays a short (hbreak fault 13)."""


class Long(int):
    """A whole number declared Camunda `Long` where it came in (a `Long` variable over /engine-rest, a
    generated form's `long` field): Camunda keeps the declared type even for a small value, which JSON
    would report as an Integer. Kept like `Short`."""


def camunda_types(variables: Mapping[str, Any]) -> dict[str, str]:
    """The Camunda type of each top-level variable that JSON would not tell: `Date` for a datetime or
    a date (a date means its midnight), `Short` for a `Short`, `Long` for a `Long`. Everything else is
    typed from its JSON value at the edge."""
    out = {name: "Date" for name, value in variables.items() if isinstance(value, datetime | date)}
    out.update({name: "Short" for name, value in variables.items() if isinstance(value, Short)})
    out.update({name: "Long" for name, value in variables.items() if isinstance(value, Long)})
    return out


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
    message = describe(variables, element_id)
    if message is not None:
        raise InvalidData(message)


