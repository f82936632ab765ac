"""JSON Schema (draft 2020-12) of a form, for the page renderer and the API documentation.

Walks the marshmallow fields directly (no apispec) because the renderer needs our own annotations:
Chinese `title`, English `x-title-en`, Chinese help as `description`, choice labels and conditional rules.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from .base import FormSchema
from .fields import Choice, CreditCode, IsoDate

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def form_json_schema(schema: FormSchema) -> dict[str, Any]:
    """The whole form: an object schema plus the form's key and titles."""
    return {
        "$schema": DIALECT,
        "title": schema.title_zh,
        "x-title-en": schema.title_en,
        "x-form-key": schema.form_key,
        **object_schema(schema),
    }


def object_schema(schema: FormSchema) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        properties[key] = field_schema(field)
        if field.required:
            required.append(key)
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    if schema.required_when:
        out["allOf"] = [
            {
                "if": {
                    "properties": {rule.when_field: {"enum": list(rule.values)}},
                    "required": [rule.when_field],
                },
                "then": {
                    "properties": {rule.field: {"type": "string", "minLength": 1}},
                    "required": [rule.field],
                },
            }
            for rule in schema.required_when
        ]
    if schema.check_char_overrides:
        out["x-check-char-overrides"] = dict(schema.check_char_overrides)
    return out


def field_schema(field: fields.Field) -> dict[str, Any]:
    out: dict[str, Any] = {}
    meta = field.metadata
    if "label_zh" in meta:
        out["title"] = meta["label_zh"]
    if "label_en" in meta:
        out["x-title-en"] = meta["label_en"]
    if "help_zh" in meta:
        out["description"] = meta["help_zh"]
    if "choices_from" in meta:  # a list kept in the database: the page offers it (`x-choices-from`)
        out["x-choices-from"] = meta["choices_from"]
    out.update(_type_schema(field))
    for v in field.validators:
        out.update(_validator_schema(v, out.get("type")))
    if field.required and out.get("type") == "string" and "enum" not in out:
        out["minLength"] = max(out.get("minLength", 0), 1)  # blank counts as missing
    if field.allow_none and "type" in out:
        out["type"] = [out["type"], "null"]
    return out


def _type_schema(field: fields.Field) -> dict[str, Any]:
    if isinstance(field, Choice):
        return {
            "type": "string",
            "enum": list(field.choices),
            "oneOf": [{"const": k, "title": zh, "x-title-en": en} for k, (zh, en) in field.choices.items()],
        }
    if isinstance(field, CreditCode):
        # A format, not a pattern: the server normalises case, spaces and full-width input first.
        return {"type": "string", "format": "uscc", "maxLength": 40}
    if isinstance(field, IsoDate):
        return {"type": "string", "format": "date"}
    if isinstance(field, fields.String):
        return {"type": "string"}
    if isinstance(field, fields.Boolean):
        return {"type": "boolean"}
    if isinstance(field, fields.Integer):
        return {"type": "integer"}
    if isinstance(field, fields.Number):
        return {"type": "number"}
    if isinstance(field, fields.Nested):
        nested = object_schema(field.schema)
        return {"type": "array", "items": nested} if field.many else nested
    if isinstance(field, fields.List):
        return {"type": "array", "items": field_schema(field.inner)}
    if isinstance(field, fields.Mapping):
        return {"type": "object"}
    return {}


def _validator_schema(v: Any, json_type: Any) -> dict[str, Any]:
    if isinstance(v, validate.Length):
        low, high = ("minItems", "maxItems") if json_type == "array" else ("minLength", "maxLength")
        if v.equal is not None:
            return {low: v.equal, high: v.equal}
        return {k: n for k, n in ((low, v.min), (high, v.max)) if n is not None}
    if isinstance(v, validate.Range):
        out: dict[str, Any] = {}
        if v.min is not None:
            out["minimum" if v.min_inclusive else "exclusiveMinimum"] = v.min
        if v.max is not None:
            out["maximum" if v.max_inclusive else "exclusiveMaximum"] = v.max
        return out
    if isinstance(v, validate.Regexp):
        return {"pattern": v.regex.pattern}
    if isinstance(v, validate.Equal):
        return {"const": v.comparable}
    if isinstance(v, validate.OneOf):
        return {"enum": list(v.choices)}
    return {}
