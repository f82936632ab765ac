"""Every /api schema takes integers and booleans as JSON has them (hostile report A finding 3):
marshmallow's `fields.Integer` takes "2" and `fields.Boolean` takes "no", so no /api schema may use them;
`strict.StrictInteger` and `strict.StrictBoolean` refuse strings, booleans for integers and 1.5."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from marshmallow import Schema, ValidationError, fields

import service.api
from service.api.strict import StrictBoolean, StrictInteger


def _schemas() -> list[type[Schema]]:
    found = []
    for module in pkgutil.iter_modules(service.api.__path__, "service.api."):
        if module.name.startswith("service.api.engine_rest"):
            continue
        loaded = importlib.import_module(module.name)
        found += [
            value for value in vars(loaded).values()
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == loaded.__name__
        ]
    return found


def _lenient(field: fields.Field, where: str) -> list[str]:
    if isinstance(field, fields.Integer) and not isinstance(field, StrictInteger):
        return [where]
    if isinstance(field, fields.Boolean) and not isinstance(field, StrictBoolean):
        return [where]
    if isinstance(field, fields.List):
        return _lenient(field.inner, where + "[]")
    if isinstance(field, fields.Dict) and field.value_field is not None:
        return _lenient(field.value_field, where + "{}")
    return []


def test_no_api_schema_takes_a_string_for_an_integer_or_a_boolean():
    schemas = _schemas()
    assert len(schemas) > 20
    lenient = [
        spot
        for schema in schemas
        for name, field in schema().fields.items()
        for spot in _lenient(field, f"{schema.__module__}.{schema.__name__}.{name}")
    ]
    assert lenient == []


class _Counted(Schema):
    n = StrictInteger(required=True)


@pytest.mark.parametrize("value", ["2", True, False, 1.5, 2.0, None, [2], {"n": 2}])
def test_strict_integer_takes_a_json_integer_only(value):
    with pytest.raises(ValidationError) as refused:
        _Counted().load({"n": value})
    assert list(refused.value.messages) == ["n"]


def test_strict_integer_takes_integers():
    assert _Counted().load({"n": 2}) == {"n": 2}
    assert _Counted().load({"n": -7}) == {"n": -7}
