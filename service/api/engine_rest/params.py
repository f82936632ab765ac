"""Query parameters and bodies as Camunda reads them: typed, validated, and refused when unsupported.

A known Camunda filter this server does not implement is refused (400) instead of ignored: a client
that asked for a narrower list must not silently receive a wider one and act on it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import request

from ...clock import SHANGHAI
from ..edge import loads
from .errors import BadRequest

INT64_MAX = 2**63 - 1  # OFFSET and every count fit a signed 64-bit integer
YEARS = (1900, 9999)  # dates a query can mean; year 1 overflows when converted to UTC
MAX_RESULTS = 1000  # Camunda's queryMaxResultsLimit, applied also when a client asks for everything


class Params:
    """Typed access to one request's parameters (query string, optionally merged with a JSON query body)."""

    def __init__(self, values: Mapping[str, Any], supported: Iterable[str]) -> None:
        self.values = dict(values)
        allowed = set(supported) | {"firstResult", "maxResults", "sortBy", "sortOrder", "sorting"}
        unsupported = sorted(set(self.values) - allowed)
        if unsupported:
            raise BadRequest(
                f"不支持的查询参数 / Unsupported parameter(s): {', '.join(unsupported)}; "
                f"supported: {', '.join(sorted(allowed))}"
            )

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise BadRequest(f"Cannot set query parameter '{name}' to value '{value}': not a string")
        return value

    def texts(self, name: str) -> list[str]:
        value = self.values.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v for v in str(value).split(",") if v]

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if value is None or value is False or value == "":
            return False
        if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
            return True  # Camunda parses booleans case-insensitively (pycamunda sends "True")
        if isinstance(value, str) and value.strip().lower() == "false":
            return False
        raise BadRequest(f"Cannot set query parameter '{name}' to value '{value}': expected true or false")

    def integer(self, name: str, *, minimum: int = 0, maximum: int = INT64_MAX) -> int | None:
        """Parameter `name` as an integer in [minimum, maximum] (default: what a signed 64-bit holds)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            if isinstance(value, bool) or (isinstance(value, str) and len(value) > 20):
                raise ValueError
            number = int(value)
            if not minimum <= number <= maximum:
                raise ValueError
        except (TypeError, ValueError):
            raise BadRequest(
                f"Cannot set query parameter '{name}' to value '{str(value)[:40]}': "
                f"expected an integer in {minimum}…{maximum}"
            ) from None
        return number

    def date(self, name: str) -> datetime | None:
        value = self.text(name)
        return None if value is None else parse_date(value, name)

    def paging(self) -> tuple[int, int]:
        first = self.integer("firstResult") or 0  # OFFSET: bigint on PostgreSQL, int64 on SQLite
        limit = self.integer("maxResults")
        if limit is None:
            limit = MAX_RESULTS
        if limit > MAX_RESULTS:
            raise BadRequest(f"Max results limit of {MAX_RESULTS} exceeded!")
        return first, limit

    def sorting(self, allowed: Iterable[str], default: str) -> tuple[str, bool]:
        """(sortBy, descending); Camunda needs sortBy and sortOrder together."""
        allowed = set(allowed)
        sort_by, order = self.text("sortBy"), self.text("sortOrder")
        sorting = self.values.get("sorting")
        if sorting:
            if not isinstance(sorting, list) or not all(isinstance(s, dict) for s in sorting):
                raise BadRequest("sorting must be a list of {sortBy, sortOrder} objects")
            sort_by, order = sorting[0].get("sortBy"), sorting[0].get("sortOrder")
        if (sort_by is None) != (order is None):
            raise BadRequest("Only a single sorting parameter specified. sortBy and sortOrder required")
        if sort_by is None:
            return default, False
        if sort_by not in allowed:
            raise BadRequest(
                f"Cannot set query parameter 'sortBy' to value '{sort_by}'; "
                f"supported: {', '.join(sorted(allowed))}"
            )
        if order not in ("asc", "desc"):
            raise BadRequest(f"Cannot set query parameter 'sortOrder' to value '{order}'")
        return sort_by, order == "desc"


def query_params(supported: Iterable[str], *, with_body: bool = False) -> Params:
    values: dict[str, Any] = {k: v for k, v in request.args.items()}
    if with_body:
        body = json_body()
        paging = {k: values[k] for k in ("firstResult", "maxResults") if k in values}
        values = {**body, **paging}
    return Params(values, supported)


def json_body() -> dict[str, Any]:
    """The JSON object body; an empty body is `{}`; anything else is InvalidRequestException."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    body = loads(raw)  # MalformedRequest (400) for bad JSON, deep nesting, NaN, NUL bytes, surrogates
    if not isinstance(body, dict):
        raise BadRequest("请求体必须是 JSON 对象 / The request body must be a JSON object")
    return body


def parse_date(value: str, name: str = "date") -> datetime:
    """Camunda's `yyyy-MM-dd'T'HH:mm:ss.SSSZ` or ISO 8601; a date without offset is Qingdao time."""
    for parse in (lambda v: datetime.strptime(v, "%Y-%m-%dT%H:%M:%S.%f%z"), datetime.fromisoformat):
        try:
            parsed = parse(value)
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)
            if not YEARS[0] <= parsed.astimezone(UTC).year <= YEARS[1]:
                raise BadRequest(
                    f"Cannot convert value '{value}' of '{name}' to a date: "
                    f"out of range {YEARS[0]}–{YEARS[1]}"
                )
        except (ValueError, OverflowError):
            continue
        return parsed
    raise BadRequest(f"Cannot convert value '{value}' of '{name}' to a date (yyyy-MM-dd'T'HH:mm:ss.SSSZ)")


def format_date(value: datetime | None) -> str | None:
    """Camunda's default date format, in Qingdao time: 2026-03-02T09:00:00.000+0800."""
    if value is None:
        return None
    local = value.astimezone(SHANGHAI)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")


def link(rel: str, path: str, method: str = "GET") -> dict[str, str]:
    return {"method": method, "href": request.host_url.rstrip("/") + "/engine-rest" + path, "rel": rel}


def like(value: str, pattern: str) -> bool:
    """SQL LIKE with `%` as the only wildcard, as Camunda's *Like parameters."""
    escaped = pattern.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]").replace("%", "*")
    return fnmatch.fnmatchcase(value, escaped)
