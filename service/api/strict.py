"""Strict /api input: JSON booleans and integers only, query parameters as the OpenAPI documents them.

marshmallow's `fields.Boolean` accepts "no", "0", 1, "off" … (report-users finding 8: `{"active": "no"}`
withdrew an agency although the document says `type: boolean`); `StrictBoolean` accepts `true` and
`false` only, `StrictInteger` a JSON integer only (`fields.Integer` takes "2"). `check_query` refuses the
query parameters outside their documented schemas (an `enum`, `true|false` for a boolean, an integer
within its bounds, a date, a string's `maxLength` and `pattern`, a required one left out) with one 400
naming every one of them; the domain blueprint runs it before every /api view, from the same PATHS the
OpenAPI document is built from, so a documented parameter cannot be left unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields

from ..errors import InvalidInput
from ..safe_json import MalformedRequest
from .edge import aware_datetime


class StrictBoolean(fields.Boolean):
    """A JSON boolean (`true`/`false`) and nothing else: no strings, no numbers."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictInteger(fields.Integer):
    """A JSON integer (a number without fraction or exponent) and nothing else: no strings ("2"), no
    booleans, no 1.5 or 2.0 (hostile report A finding 3: `"consortiumId": "2"` was taken while booleans
    were strict). Every /api schema uses it for integers (`tests/unit/test_api_strict_fields.py`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("strict", None)
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if not isinstance(value, int):  # marshmallow's strict takes any Integral (a bool is one)
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class AwareTime(fields.DateTime):
    """An ISO 8601 time with its offset within 1900–9999 (`edge.aware_datetime`), the bilingual reason
    otherwise: a naive time is not a moment in Beijing or anywhere."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any):
        try:
            return aware_datetime(value, attr or "time")
        except InvalidInput as exc:
            raise ValidationError(next(iter(exc.fields.values()))) from None


_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi_path(rule: str) -> str:
    """A Flask rule (`/api/x/<int:id>`) as its OpenAPI path (`/api/x/{id}`)."""
    return _CONVERTER.sub(r"{\1}", rule)


def allowed_values(schema: dict[str, Any]) -> list[str] | None:
    """The values a query parameter's schema allows, as they are spelt in a URL; None: not an enum."""
    if "enum" in schema:
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in schema["enum"]]
    if schema.get("type") == "boolean":
        return ["true", "false"]
    return None


def query_errors(parameters: list[dict[str, Any]], args: Mapping[str, str]) -> dict[str, list[str]]:
    """Every query parameter whose value is outside what its schema documents (enum, boolean, integer
    and its bounds, a date, a string's length and pattern), each with its bilingual reason; a required
    one left out is "required". An absent or empty optional parameter is left to the view's default."""
    errors: dict[str, list[str]] = {}
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        name, schema = parameter["name"], parameter.get("schema") or {}
        values = [v for v in (args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]) if v]
        if not values and parameter.get("required"):
            errors[name] = ["必填 / required"]
        for value in values:
            reason = value_error(schema, value)
            if reason is not None:
                errors[name] = [reason]
                break
    return errors


def value_error(schema: dict[str, Any], value: str) -> str | None:
    """Why a query value (as spelt in the URL) does not fit `schema`, bilingual; None when it fits."""
    allowed = allowed_values(schema)
    if allowed is not None:
        if value in allowed:
            return None
        return f"须为 {'、'.join(allowed)} 之一 / must be one of {', '.join(allowed)}"
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        bounds = f"{low if low is not None else ''}…{high if high is not None else ''}"
        number = int(value) if re.fullmatch(r"-?\d{1,19}", value) else None
        if (
            number is None
            or (low is not None and number < low)
            or (high is not None and number > high)
        ):
            return f"须为 {bounds} 的整数 / integer {bounds} expected"
        return None
    if kind == "string":
        longest = schema.get("maxLength")
        if longest is not None and len(value) > longest:
            return f"最长 {longest} 个字符 / at most {longest} characters"
        if schema.get("format") == "date" and not _is_date(value):
            return "须为 1900–9999 年间的日期 YYYY-MM-DD / a date YYYY-MM-DD in 1900–9999 expected"
        pattern = schema.get("pattern")
        if pattern is not None and not re.search(pattern, value):
            return f"格式不符 {pattern} / must match {pattern}"
    return None


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        return 1900 <= date.fromisoformat(value).year <= 9999
    except ValueError:
        return False


def check_query(parameters: list[dict[str, Any]], args: Mapping[str, str]) -> None:
    """MalformedRequest (400) naming every query parameter outside its documented values at once
    (hostile report A finding 1: only the first one was named)."""
    errors = query_errors(parameters, args)
    if errors:
        raise MalformedRequest.of(errors)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def as_spelt(errors: dict[str, Any], body: Any) -> dict[str, Any]:
    """Field errors keyed as the request spelt its fields: a use case names `data_until`, the /api body
    said `dataUntil` (report-users finding 8). A snake_case key becomes camelCase when the body holds it so,
    or when the body is camelCase throughout (an optional field it left out); otherwise it is kept."""
    if not isinstance(body, dict):
        return errors
    camel_body = any(k != k.lower() for k in body) and not any("_" in k for k in body)
    renamed: dict[str, Any] = {}
    for key, messages in errors.items():
        spelt = _camel(key) if isinstance(key, str) and "_" in key and key not in body else key
        target = spelt if spelt in body or camel_body else key
        if target in renamed and isinstance(renamed[target], list) and isinstance(messages, list):
            renamed[target] = renamed[target] + messages
        else:
            renamed[target] = messages
    return renamed
