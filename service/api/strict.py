"""Strict /api input: JSON booleans only, and query parameters within the values the OpenAPI documents.

marshmallow's `fields.Boolean` accepts "no", "0", 1, "off" … (report-users finding 8: `{"active": "no"}`
withdrew an agency although the document says `type: boolean`); `StrictBoolean` accepts `true` and `false`
only. `check_query` refuses a query parameter outside its documented `enum` (or `true|false` for a
boolean) with a 400 naming it; the domain blueprint runs it before every /api view, from the same PATHS
the OpenAPI document is built from, so a parameter documented with an enum cannot be left unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import fields

from ..safe_json import MalformedRequest


class StrictBoolean(fields.Boolean):
    """A JSON boolean (`true`/`false`) and nothing else: no strings, no numbers."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


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


def check_query(parameters: list[dict[str, Any]], args: Mapping[str, str]) -> None:
    """MalformedRequest (400) naming the first query parameter whose value is outside its documented
    values; an absent parameter is left to the view's default."""
    for parameter in parameters:
        if parameter.get("in") != "query":
            continue
        allowed = allowed_values(parameter.get("schema") or {})
        name = parameter["name"]
        if allowed is None or name not in args:
            continue
        for value in args.getlist(name) if hasattr(args, "getlist") else [args[name]]:
            if value not in allowed:
                raise MalformedRequest(
                    name, f"须为 {'、'.join(allowed)} 之一 / must be one of {', '.join(allowed)}"
                )


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
