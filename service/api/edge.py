"""The HTTP edge's generic guards (issue 11, fault 11): malformed input is a 400 naming the field.

Installed once on the app (`install`), for every route (pages, /login, /api, /engine-rest):

- `screen` (before any view or authentication): NUL bytes and lone surrogates are refused wherever they
  come from (path, query, form fields and file names, Basic credentials, JSON bodies); JSON bodies are
  parsed by `loads` (nesting depth, NaN/Infinity, number sizes); integer path parameters must fit the
  id columns (1 … 2^31-1). PostgreSQL cannot store NUL or a lone surrogate, and the Argon2 check or a
  query would otherwise fail deep inside with a 500.
- `JSONProvider`: request JSON through `loads`; responses never contain NaN/Infinity (invalid JSON):
  such values are sent as null.
- storage errors (IntegrityError, DataError, lock conflicts …) are mapped once, to Conflict (409) or
  MalformedRequest (400), and answered in the shape of the edge the request came through.
- routing errors (404/405/413 …) under /api and /engine-rest answer in that API's JSON error shape.

Small coercion helpers for /api views (`int_arg`, `body_int`, `body_bool`, `body_number`,
`aware_datetime`) raise InvalidInput naming the field, so no view calls int()/float()/bool() on caller
input.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy.exc as sa_exc
from flask import Flask, Response, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from forms.messages import translated

from ..errors import Conflict, InvalidInput
from ..safe_json import MalformedRequest, check_text, loads

MAX_BODY = 12 * 1024 * 1024  # bytes of a request body (uploads included): beyond, 413
INT32_MAX = 2**31 - 1  # every id column is INTEGER
INT64 = (-(2**63), 2**63 - 1)
YEARS = (1900, 9999)  # dates a procedure can mean; year 1 overflows on conversion to UTC


def finite(value: Any) -> Any:
    """`value` with every NaN/Infinity replaced by None (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with `loads` for requests and strict (allow_nan=False) output, non-finite -> null."""

    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        kwargs["allow_nan"] = False
        try:
            return json.dumps(obj, **kwargs)
        except ValueError:
            return json.dumps(finite(obj), **kwargs)


# --- the request screen ----------------------------------------------------------------------------


def screen() -> None:
    """Refuse unsafe input before any view, authentication or session lookup runs (MalformedRequest)."""
    check_text(request.path, "path")
    for name, value in request.args.items(multi=True):
        check_text(name, "query")
        check_text(value, name)
    _screen_credentials()
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and not 0 <= value <= INT32_MAX:
            raise MalformedRequest(name, f"超出范围 / out of range 0…{INT32_MAX}")
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            check_text(name, "form")
            check_text(value, name)
        for name, upload in request.files.items(multi=True):
            check_text(upload.filename or "", name)
    elif request.is_json and request.content_length != 0:
        raw = request.get_data(cache=True)
        if raw.strip():
            loads(raw)


def _screen_credentials() -> None:
    header = request.headers.get("Authorization", "")
    check_text(header, "Authorization")
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        check_text(auth.username or "", "username")
        check_text(auth.password or "", "password")


# --- helpers for /api views ----------------------------------------------------------------------------


def json_object() -> dict[str, Any]:
    """The request's JSON body, which must be an object. Raises InvalidInput (422 on /api) otherwise."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(
            "请求体须为 JSON 对象 / The body must be a JSON object", {"_body": ["object expected"]}
        )
    return body


def load_body(schema: type[Schema]) -> dict[str, Any]:
    """The request's JSON object loaded by a marshmallow `schema`. Raises InvalidInput with the field
    errors (422 on /api) for a body that is not an object or does not load."""
    try:
        return schema().load(json_object())
    except ValidationError as exc:
        raise InvalidInput("请求有误 / Invalid request", translated(exc.normalized_messages())) from None


def int_arg(
    name: str, *, default: int | None = None, minimum: int = 0, maximum: int = INT32_MAX
) -> int | None:
    """Query parameter `name` as an integer in [minimum, maximum]; MalformedRequest (400) otherwise."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        return _bounded(raw, name, minimum, maximum)
    except InvalidInput:
        raise MalformedRequest(
            name, f"须为 {minimum}…{maximum} 的整数 / integer {minimum}…{maximum} expected"
        ) from None


def body_int(
    body: dict[str, Any], name: str, default: int | None = None, *, minimum: int = 0, maximum: int = INT32_MAX
) -> int | None:
    """Body field `name` as a JSON integer (never "2", true or 1.5, as `strict.StrictInteger` in the
    schemas); InvalidInput naming it otherwise."""
    value = body.get(name)
    if value is None:
        return default
    return _bounded(value, name, minimum, maximum, digits=False)


def _bounded(value: Any, name: str, minimum: int, maximum: int, *, digits: bool = True) -> int:
    """`value` as an integer in [minimum, maximum]: a JSON integer, or (`digits`: query) its digits."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif digits and isinstance(value, str) and re.fullmatch(r"-?\d{1,19}", value.strip()):
        number = int(value)
    if number is None or not minimum <= number <= maximum:
        raise InvalidInput(
            f"{name} 须为 {minimum}…{maximum} 的整数 / {name} must be an integer in {minimum}…{maximum}",
            {name: [f"须为整数 / integer {minimum}…{maximum} expected"]},
        )
    return number


def body_bool(body: dict[str, Any], name: str, default: bool) -> bool:
    """Body field `name` as a JSON boolean (`true`/`false` only, never "no" or 0); InvalidInput naming it
    otherwise."""
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidInput(
            f"{name} 须为 true 或 false / {name} must be true or false",
            {name: ["须为布尔值 true 或 false / boolean true or false expected"]},
        )
    return value


def body_number(body: dict[str, Any], name: str, default: float | None = None) -> float | None:
    """Body field `name` as a finite number; InvalidInput naming it otherwise."""
    value = body.get(name)
    if value is None:
        return default
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or abs(number) > 1e9:
        raise InvalidInput(
            f"{name} 须为数值 / {name} must be a number", {name: ["须为数值 / number expected"]}
        )
    return number


def aware_datetime(value: Any, name: str) -> datetime:
    """An ISO 8601 time with offset within YEARS; InvalidInput naming `name` otherwise."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is not None and parsed.tzinfo is not None:
            in_range = YEARS[0] <= parsed.astimezone(UTC).year <= YEARS[1]
            if in_range:
                return parsed
    except (ValueError, OverflowError):
        pass
    raise InvalidInput(
        f"{name} 须为 {YEARS[0]}–{YEARS[1]} 年间带时区的 ISO 时间 / {name} must be an ISO time with offset "
        f"in {YEARS[0]}–{YEARS[1]}",
        {name: ["须为带时区的 ISO 时间 / ISO time with offset expected"]},
    )


def in_years(day: date, name: str) -> date:
    """`day` if its year is within YEARS; InvalidInput naming `name` otherwise."""
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise InvalidInput(
            f"{name} 超出日期范围 / {name} is out of range ({YEARS[0]}–{YEARS[1]})",
            {name: [f"年份须在 {YEARS[0]}–{YEARS[1]} / year {YEARS[0]}–{YEARS[1]} expected"]},
        )
    return day


# --- errors, mapped once -------------------------------------------------------------------------------


def storage_error(exc: Exception) -> Exception:
    """The ServiceError a storage failure means for the caller: the one place it is decided.

    IntegrityError (a unique or foreign key was violated by a concurrent command) -> Conflict 409;
    DataError (a value the column cannot hold: too long, out of range, unencodable) -> MalformedRequest
    400; a lock conflict or a serialization failure (deadlock, lock timeout) -> Conflict 409, retry;
    OverflowError (SQLite's driver refusing an integer beyond 64 bits, a date beyond year 9999) -> 400.
    Anything else is not the caller's doing and stays a 500.
    """
    if isinstance(exc, OverflowError):
        return MalformedRequest("value", f"数值超出范围 / a value is out of range: {exc}")
    if isinstance(exc, sa_exc.IntegrityError):
        return Conflict(
            "数据已被他人修改，请刷新后重试 / The data changed meanwhile (a conflicting record); retry"
        )
    if isinstance(exc, sa_exc.DataError):
        return MalformedRequest("value", f"数据库无法保存该值 / a value cannot be stored: {_first_line(exc)}")
    if isinstance(exc, sa_exc.OperationalError) and _is_lock_conflict(exc):
        return Conflict("系统繁忙，请稍后重试 / Busy with a concurrent change; retry")
    if isinstance(exc, sa_exc.StatementError) and isinstance(exc.orig, OverflowError | UnicodeError):
        return MalformedRequest("value", f"数据库无法保存该值 / a value cannot be stored: {exc.orig}")
    return exc


def _first_line(exc: sa_exc.DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__


def _is_lock_conflict(exc: sa_exc.OperationalError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01", "55P03") or "database is locked" in str(exc.orig)


def _render(exc: Exception) -> Any:
    """Answer `exc` with the handler of the blueprint the request came through (its own error shape)."""
    handler = current_app._find_error_handler(exc, request.blueprints)  # noqa: SLF001 - Flask's own lookup
    if handler is not None and not isinstance(exc, MalformedRequest | HTTPException):
        return handler(exc)
    return _json_error(exc)


HTTP_ZH = {
    400: "请求无效", 401: "需要登录", 403: "无权执行此操作", 404: "请求的地址不存在", 405: "不支持该请求方法",
    406: "无法提供所要求的格式", 409: "与当前状态冲突", 413: f"请求内容过大（不超过 {MAX_BODY // 2**20} MB）",
    415: "不支持的内容类型", 429: "请求过于频繁，请稍后再试", 500: "服务器内部错误",
}
"""Chinese for the routing errors werkzeug describes in English only (the APIs answer bilingually)."""
_CJK = re.compile("[\u4e00-\u9fff]")


def _json_error(exc: Exception) -> Response:
    """The JSON error body for /engine-rest (Camunda's) or for everything else (/api's documented shape)."""
    status = 400 if isinstance(exc, InvalidInput) else 409 if isinstance(exc, Conflict) else 500
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        if status in HTTP_ZH and not _CJK.search(exc.description or ""):
            exc.description = f"{HTTP_ZH[status]} / {exc.description or exc.name}"
    message = exc.description if isinstance(exc, HTTPException) else str(exc)
    shape = _shape()
    if shape is not None:  # an edge with its own error body (/engine-rest: Camunda's)
        if isinstance(exc, HTTPException):
            return shape.from_http(exc)
        if isinstance(exc, MalformedRequest):
            return shape.error(400, "InvalidRequestException", message)
        return shape.from_service_error(exc)
    body: dict[str, Any] = {"error": type(exc).__name__, "message": message or "error"}
    if isinstance(exc, HTTPException):
        body["error"] = exc.name.replace(" ", "")
    if isinstance(exc, InvalidInput):
        body["fields"] = exc.fields
    response = jsonify(body)
    response.status_code = status
    if isinstance(exc, HTTPException) and status == 405:
        response.headers["Allow"] = ", ".join(getattr(exc, "valid_methods", None) or [])
    return response


def _under(prefix: str) -> bool:
    return request.path == prefix or request.path.startswith(prefix + "/")


def _json_edge() -> bool:
    return _under("/api") or _shape() is not None


@dataclass(frozen=True)
class ErrorShape:
    """How one JSON edge words its errors (e.g. Camunda's `{"type","message"}` under /engine-rest)."""

    from_http: Callable[[HTTPException], Response]
    from_service_error: Callable[[Exception], Response]
    error: Callable[[int, str, str], Response]  # (status, type, message)


def use_error_shape(app: Flask, prefix: str, shape: ErrorShape) -> None:
    """Answer errors under `prefix` in `shape`; the edge registering it calls this, so this module
    imports no edge (issue 19: edge <-> engine_rest.errors was an import circle)."""
    app.extensions.setdefault("edge.error_shapes", {})[prefix] = shape


def _shape() -> ErrorShape | None:
    for prefix, shape in current_app.extensions.get("edge.error_shapes", {}).items():
        if _under(prefix):
            return shape
    return None


def install(app: Flask) -> None:
    """The guards above, on `app`: the request screen first, then the error mapping.

    Call after the blueprints are registered: the app-level 404/405 handlers here replace any earlier.
    """
    app.json = JSONProvider(app)
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None (no limit), so setdefault
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY  # in web/ never applied: bodies were unbounded
    app.before_request_funcs.setdefault(None, []).insert(0, screen)

    @app.errorhandler(MalformedRequest)
    def _malformed(exc: MalformedRequest):
        return _json_error(exc)

    @app.errorhandler(sa_exc.SQLAlchemyError)
    @app.errorhandler(OverflowError)
    def _storage(exc: Exception):
        mapped = storage_error(exc)
        if mapped is exc:
            return _unexpected(exc)
        current_app.logger.warning("storage refused %s %s: %s", request.method, request.path, exc)
        return _render(mapped)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if _json_edge():
            return _json_error(exc)
        page = current_app.extensions.get("edge.page_error")  # the pages' layout (web/ sets it)
        return page(exc) if page is not None else exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if not _json_edge():
            raise exc
        current_app.logger.exception("unexpected error in %s %s", request.method, request.path)
        shape = _shape()
        if shape is not None:
            return shape.error(500, "RestException", "服务器内部错误 / Internal server error")
        response = jsonify(error="InternalServerError", message="服务器内部错误 / Internal server error")
        response.status_code = 500
        return response

    for code in (404, 405):  # routing errors happen before any blueprint is known
        app.register_error_handler(code, _http)
