"""Camunda's typed variables, `{"value": …, "type": "String", "valueInfo": {}}`, translated at this edge only.

Inside the service, variables are plain JSON values (dates as ISO strings). Going out, each value gets
the type Camunda would report; nested data is `Json` with the value serialized as a string, as Camunda
Spin does. Coming in, the declared type is enforced, so `{"value": "12", "type": "Integer"}` is refused
rather than silently stored as text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...clock import SHANGHAI
from ...engine.typed_variables import SHORT, Long, Short
from ..edge import MalformedRequest, loads
from .errors import BadRequest
from .params import format_date, json_body, parse_date
from .strict import check_fields

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
JSON_FORMAT = "application/json"
MAX_VARIABLES = 1000
"""Variables one request may set: far more than any form; 60,000 would bloat every later read."""


def to_typed(value: Any, kind: str | None = None) -> dict[str, Any]:
    """One plain value as Camunda's VariableValueDto; `kind` is the type the service kept for it when
    its JSON value does not tell (`Date`: the value is an ISO string, sent in Camunda's date format)."""
    if kind == "Date" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None:
            moment = moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
            return {"value": format_date(moment), "type": "Date", "valueInfo": {}}
    if value is None:
        return {"value": None, "type": "Null", "valueInfo": {}}
    if isinstance(value, bool):
        return {"value": value, "type": "Boolean", "valueInfo": {}}
    if isinstance(value, int):
        if kind == "Short" and SHORT[0] <= value <= SHORT[1]:
            return {"value": value, "type": "Short", "valueInfo": {}}
        if kind == "Long" and INT64[0] <= value <= INT64[1]:
            return {"value": value, "type": "Long", "valueInfo": {}}
        kind = "Integer" if INT32[0] <= value <= INT32[1] else "Long"
        return {"value": value, "type": kind, "valueInfo": {}}
    if isinstance(value, float):
        return {"value": value, "type": "Double", "valueInfo": {}}
    if isinstance(value, str):
        return {"value": value, "type": "String", "valueInfo": {}}
    return {"value": json.dumps(value, ensure_ascii=False), "type": "Json", "valueInfo": {}}


def to_typed_map(values: Mapping[str, Any], names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Each value (of `names`, if given) as a VariableValueDto; the types a `TypedVariables` carries
    (service/engine/typed_variables.py) are kept."""
    types = getattr(values, "types", {})
    return {k: to_typed(v, types.get(k)) for k, v in values.items() if not names or k in names}


def typed_value(values: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The variable `name` of `values` as a VariableValueDto, with the type a `TypedVariables` keeps for
    it: every single-variable read goes through here, as every map goes through `to_typed_map`."""
    return to_typed(values[name], getattr(values, "types", {}).get(name))


def from_typed_map(body: Any, field: str = "variables") -> dict[str, Any]:
    """A `{"name": {"value", "type", "valueInfo"}}` map as plain values; BadRequest naming the variable."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest(f"'{field}' must be an object of typed variables")
    if len(body) > MAX_VARIABLES:
        raise BadRequest(f"'{field}' 变量过多 / {len(body)} variables; at most {MAX_VARIABLES} a request")
    return {name: from_typed(name, dto) for name, dto in body.items()}


def from_typed(name: str, dto: Any) -> Any:
    """One VariableValueDto as a plain value. Raises BadRequest naming the variable: a blank name (no
    script or expression could read it), a value its type does not admit, an unsupported type."""
    if not isinstance(name, str) or not name.strip():
        raise BadRequest(f"变量名不能为空 / Variable name must not be blank: '{_shown(name)}'")
    if not isinstance(dto, dict):
        raise BadRequest(f"Variable '{_shown(name)}' must be an object with 'value' and 'type'")
    value, kind = dto.get("value"), dto.get("type")
    info = dto.get("valueInfo")
    if info is None:
        info = {}
    elif not isinstance(info, dict):  # Camunda (Jackson) refuses a valueInfo that is not an object
        raise BadRequest(f"Variable '{_shown(name)}': 'valueInfo' must be an object")
    if kind is None:  # Camunda infers the type from the JSON value: a whole number is at most a Long
        if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
            raise BadRequest(f"Cannot convert value of variable '{_shown(name)}' to type Long: out of range")
        return value
    if not isinstance(kind, str):
        raise BadRequest(f"Variable '{_shown(name)}': 'type' must be a string")
    kind_l = kind.lower()
    if value is None or kind_l == "null":
        return None
    try:
        convert = _CONVERTERS[kind_l]
    except KeyError:
        raise BadRequest(
            f"Unsupported value type '{_shown(kind)}' for variable '{_shown(name)}'; supported: "
            + ", ".join(sorted(t.capitalize() for t in _CONVERTERS))
        ) from None
    try:
        return convert(value, info)
    except (TypeError, ValueError) as exc:
        raise BadRequest(
            f"Cannot convert value '{_shown(value)}' of variable '{_shown(name)}' to type {_shown(kind)}: "
            f"{exc}"
        ) from None


def _shown(value: Any, limit: int = 80) -> str:
    """A refused value as an error message quotes it: at most `limit` characters (a 5 MB value is not
    echoed back)."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _string(value: Any, _info: dict) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _boolean(value: Any, _info: dict) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise TypeError("not a boolean")


def _integer(bounds: tuple[int, int]):
    def convert(value: Any, _info: dict) -> int:
        if isinstance(value, bool):
            raise TypeError("not an integer")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            value = int(value.strip())
        if not isinstance(value, int):
            raise TypeError("not an integer")
        if not bounds[0] <= value <= bounds[1]:
            raise ValueError("out of range")
        return value

    return convert


def _double(value: Any, _info: dict) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError("not a number")
    number = float(value)
    if not math.isfinite(number):  # NaN and Infinity are not JSON: they could be stored but never read
        raise ValueError("not a finite number")
    return number


def _date(value: Any, _info: dict) -> datetime:
    """An aware datetime: the engine keeps it as one, so it stays a `Date` (and scripts compare it)."""
    if not isinstance(value, str):
        raise TypeError("not a date string")
    try:
        return parse_date(value)
    except BadRequest:  # from_typed names the variable
        raise ValueError("expected yyyy-MM-dd'T'HH:mm:ss.SSSZ within the supported years") from None


def _json(value: Any, _info: dict) -> Any:
    if isinstance(value, str):
        try:
            return loads(value, "value")  # the edge's parser: depth, NaN, NUL and surrogates refused
        except MalformedRequest as exc:
            raise ValueError(exc.reason) from None
    if isinstance(value, dict | list | int | float | bool):
        return value
    raise TypeError("not JSON")


def _object(value: Any, info: dict) -> Any:
    data_format = info.get("serializationDataFormat") or JSON_FORMAT
    if data_format != JSON_FORMAT:
        raise ValueError(f"only serializationDataFormat {JSON_FORMAT} is accepted, not {data_format}")
    return _json(value, info)


_CONVERTERS = {
    "string": _string,
    "boolean": _boolean,
    "short": lambda v, i: Short(_integer(SHORT)(v, i)),
    "integer": _integer(INT32),
    "long": lambda v, i: Long(_integer(INT64)(v, i)),
    "double": _double,
    "date": _date,
    "json": _json,
    "object": _object,
    "null": lambda v, i: None,
}


def variable_body(name: str) -> Any:
    """The value a `PUT …/variables/{name}` body carries (Camunda's VariableValueDto: value, type,
    valueInfo), converted by its type. Raises BadRequest naming the field."""
    body = json_body()
    check_fields(body, {"value", "type", "valueInfo"}, "VariableValueDto")
    return from_typed(name, body)


def patch_body() -> tuple[dict[str, Any], list[str]]:
    """`(modifications, deletions)` of a `POST …/variables` body (Camunda's PatchVariablesDto).
    Raises BadRequest naming the field."""
    body = json_body()
    check_fields(body, {"modifications", "deletions"}, "PatchVariablesDto")
    deletions = body.get("deletions") or []
    if not isinstance(deletions, list) or not all(isinstance(d, str) for d in deletions):
        raise BadRequest("deletions must be a list of variable names")
    return from_typed_map(body.get("modifications"), "modifications"), deletions
