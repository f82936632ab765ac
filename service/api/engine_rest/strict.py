"""JSON body fields read as Camunda's REST layer (Jackson) reads them.

Camunda refuses a body field its DTO does not declare ("Unrecognized field"), so `check_fields` does
too, naming the field and the DTO. Booleans are read as Jackson reads them: JSON true/false, or a
string in any case ("True", "FALSE"); numbers must be integral where the DTO has an integer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import BadRequest

_MISSING = object()


def check_fields(body: Mapping[str, Any], allowed: Iterable[str], dto: str, where: str = "") -> None:
    """BadRequest naming the first field of `body` that Camunda's `dto` does not declare."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        at = f"{where}." if where else ""
        raise BadRequest(
            f'不支持的字段 / Unrecognized field "{at}{unknown[0]}" ({dto}); '
            f"supported: {', '.join(sorted(allowed))}"
        )


def parse_boolean(value: Any, name: str) -> bool:
    """True/False from a JSON boolean or a string in any case (Camunda parses booleans that way)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BadRequest(f"'{name}' must be true or false, not '{str(value)[:40]}'")


def boolean(body: Mapping[str, Any], name: str, *, default: bool, where: str = "") -> bool:
    value = body.get(name)
    return default if value is None else parse_boolean(value, _path(where, name))


def text(body: Mapping[str, Any], name: str, *, required: bool = False, where: str = "") -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise BadRequest(f"'{_path(where, name)}' is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{_path(where, name)}' must be a string")
    return value


def integer(
    body: Mapping[str, Any],
    name: str,
    *,
    required: bool = False,
    default: int = 0,
    minimum: int,
    maximum: int,
    where: str = "",
) -> int:
    value = body.get(name)
    path = _path(where, name)
    if value is None:
        if required:
            raise BadRequest(f"'{path}' is required")
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = value.strip().lstrip("-") if isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit() and len(value) <= 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise BadRequest(f"'{path}' must be an integer in {minimum}…{maximum}, not '{str(value)[:40]}'")
    return value


def _path(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
