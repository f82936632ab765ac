"""Camunda's error bodies, `{"type": "...Exception", "message": "..."}`, mapped once for /engine-rest.

ServiceError -> status and Camunda type:
    InvalidInput  400 InvalidRequestException   (every field error listed in the message; a refused
                                                migration: its own type and `validationReport`)
    NotFound      404 RestException             (also for anything outside the caller's scope)
    Forbidden     403 AuthorizationException
    Conflict      409 RestException
    DiagramFailed 400 ProcessEngineException    (diagram code failed on the caller's command: script,
                                                condition, sandbox limit, step budget; names the element;
                                                nothing was saved)
    ProcessFailed 500 RestException             (a service handler failed; nothing was saved)
Malformed requests (bad JSON, bad parameter values) are InvalidRequestException 400; routes that do not
exist 404; anything unexpected 500 with a generic message and the details in the log, never in the body.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ...errors import Conflict, DiagramFailed, Forbidden, InvalidInput, NotFound, ProcessFailed, ServiceError
from ...safe_json import MalformedRequest

PREFIX = "/engine-rest"
log = logging.getLogger(__name__)


class BadRequest(InvalidInput):
    """A request the edge itself refuses: a parameter or body Camunda would also reject."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def error(status: int, kind: str, message: str, **extra: Any) -> Response:
    response = jsonify({"type": kind, "message": message, **extra})
    response.status_code = status
    return response


def describe_fields(fields: dict[str, Any], prefix: str = "") -> list[str]:
    """Flatten marshmallow's nested messages into `path: message` lines, so none is lost in the text."""
    lines: list[str] = []
    for key, value in fields.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            lines += describe_fields(value, path)
        elif isinstance(value, list | tuple):
            for item in value:
                lines += describe_fields(item, path) if isinstance(item, dict) else [f"{path}: {item}"]
        else:
            lines.append(f"{path}: {value}")
    return lines


def from_service_error(exc: ServiceError) -> Response:
    report = getattr(exc, "report", None)
    if isinstance(exc, InvalidInput) and isinstance(report, dict):  # engine.migration.MigrationRefused
        kind = str(getattr(exc, "kind", "InvalidRequestException"))
        return error(400, kind, str(exc), validationReport=report)
    if isinstance(exc, InvalidInput):
        parse = _parse_exception(exc)
        if parse is not None:
            return parse
        # a field line the message already says is not repeated ("body: X; body: X"); a malformed
        # request's message names each field's reason already (safe_json.said)
        lines = [] if isinstance(exc, MalformedRequest) else [
            line for line in describe_fields(exc.fields) if line not in str(exc)]
        message = str(exc) + ("; " + "; ".join(lines) if lines else "")
        return error(400, "InvalidRequestException", message)
    if isinstance(exc, NotFound):
        return error(404, "RestException", str(exc))
    if isinstance(exc, Forbidden):
        from ..auth import basic_actor

        actor = basic_actor()
        return error(
            403,
            "AuthorizationException",
            str(exc),
            userId=actor.id if actor else None,
            missingAuthorizations=[],
        )
    if isinstance(exc, Conflict):
        return error(409, "RestException", str(exc))
    if isinstance(exc, DiagramFailed):
        return error(400, "ProcessEngineException", str(exc))
    if isinstance(exc, ProcessFailed):
        return error(500, "RestException", str(exc))
    return error(400, "InvalidRequestException", str(exc))


def _parse_exception(exc: InvalidInput) -> Response | None:
    """A refused diagram answers as Camunda's ParseException, problems per resource (Modeler shows them)."""
    problems = getattr(exc.__cause__, "problems", None)
    if not problems:
        return None
    details: dict[str, dict[str, list]] = {}
    for problem in problems:
        entry = details.setdefault(problem.file or "unknown", {"errors": [], "warnings": []})
        entry["errors"].append(
            {
                "message": problem.message,
                "line": problem.line,
                "column": None,
                "mainElementId": problem.element_id,
                "elementIds": [problem.element_id] if problem.element_id else [],
            }
        )
    lines = describe_fields(exc.fields)
    return error(400, "ParseException", f"{exc}; " + "; ".join(lines), details=details)


def attach(bp: Blueprint) -> None:
    """The blueprint's handlers, for errors raised by its routes (called once, at import)."""

    @bp.errorhandler(ServiceError)
    def _service(exc: ServiceError):
        return from_service_error(exc)

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return _from_http(exc)

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, SQLAlchemyError | OverflowError):  # a storage refusal: mapped once, in ..edge
            from ..edge import storage_error

            mapped = storage_error(exc)
            if isinstance(mapped, ServiceError):
                log.warning("storage refused %s %s: %s", request.method, request.path, exc)
                return from_service_error(mapped)
        log.exception("unexpected error in %s %s", request.method, request.path)
        return error(500, "RestException", "服务器内部错误 / Internal server error")


def install(app: Flask) -> None:
    """The app's handlers for paths under /engine-rest that match no route (404/405 never reach `bp`)."""

    def _routing(exc: HTTPException):
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            return _from_http(exc)
        return exc

    app.register_error_handler(404, _routing)
    app.register_error_handler(405, _routing)


def _from_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 404:
        return error(404, "RestException", f"资源不存在 / No resource at {request.path}")
    if status == 405:
        response = error(405, "RestException", f"不支持的方法 / Method {request.method} not allowed here")
        response.headers["Allow"] = ", ".join(exc.valid_methods or [])  # type: ignore[attr-defined]
        return response
    if 400 <= status < 500:
        return error(status, "InvalidRequestException", exc.description or exc.name)
    return error(status, "RestException", exc.description or exc.name)
