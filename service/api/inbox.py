"""/api/inbox: the caller's work list as the inbox page shows it (view, search, filters, sort, page).

Bad values answer 400 naming the parameter (`fields`); the rows are what `visible_filter` lets the
caller see, never another organisation's or district's work.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ..consortium.inbox import (
    CLAIM_FILTERS,
    DUE_FILTERS,
    MAX_PAGE_SIZE,
    SORTS,
    VIEWS,
    InboxRow,
    list_inbox,
    parse_filter,
)
from ..errors import InvalidInput
from .auth import context
from .domain import bp, require_actor
from .edge import MalformedRequest


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _row(row: InboxRow) -> dict[str, Any]:
    task, record = row.task, row.consortium
    return {
        "id": task.id,
        "instanceId": task.instance_id,
        "applicationNo": task.business_key,
        "consortium": record.name if record else None,
        "leadUnit": row.lead_name,
        "industry": record.industry if record else None,
        "elementId": task.element_id,
        "step": task.name,
        "district": task.district,
        "assignee": task.assignee,
        "owner": task.owner,
        "delegationState": task.delegation_state,
        "created": _iso(task.created_at),
        "due": _iso(task.due_at),
        "mayTake": row.may_take,
        "panelId": row.panel_id,
    }


@bp.get("/inbox")
def inbox_page():
    actor = require_actor()
    try:
        filters = parse_filter(request.args)
    except InvalidInput as exc:  # every bad parameter at once (hostile report A finding 1)
        raise MalformedRequest.of(exc.fields) from exc
    found = list_inbox(context(), actor=actor, filters=filters, options=False)
    return jsonify(
        total=found.total, page=filters.page, size=filters.size, counts=found.counts,
        items=[_row(r) for r in found.rows],
        declarations=[
            {"panelId": d.panel_id, "applicationNo": d.application_no, "consortium": d.consortium,
             "leadUnit": d.lead_name, "drawnAt": _iso(d.drawn_at)}
            for d in found.declarations
        ],
    )


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"in": "query", "name": name, "required": False, "schema": schema, "description": description}


_TEXT = {"type": "string", "maxLength": 100}
INBOX_ROW = {
    "type": "object",
    "properties": {
        "id": {"type": "string"}, "instanceId": {"type": "string"},
        "applicationNo": {"type": "string", "nullable": True},
        "consortium": {"type": "string", "nullable": True}, "leadUnit": {"type": "string", "nullable": True},
        "industry": {"type": "string", "nullable": True}, "elementId": {"type": "string"},
        "step": {"type": "string", "nullable": True}, "district": {"type": "string", "nullable": True},
        "assignee": {"type": "string", "nullable": True},
        "owner": {"type": "string", "nullable": True,
                  "description": "who delegated it and gets it back (Camunda's task owner)"},
        "delegationState": {"type": "string", "nullable": True, "enum": ["PENDING", "RESOLVED", None],
                            "description": "PENDING: delegated, waiting for the delegate to resolve it"},
        "created": {"type": "string", "format": "date-time"},
        "due": {"type": "string", "format": "date-time", "nullable": True}, "mayTake": {"type": "boolean"},
        "panelId": {"type": "integer", "nullable": True},
    },
    "required": ["id", "instanceId", "elementId", "mayTake"],
}
INBOX_PAGE = {
    "type": "object",
    "properties": {
        "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/InboxRow"}},
        "declarations": {"type": "array", "items": {"type": "object", "properties": {
            "panelId": {"type": "integer"}, "applicationNo": {"type": "string"},
            "consortium": {"type": "string", "nullable": True},
            "leadUnit": {"type": "string", "nullable": True},
            "drawnAt": {"type": "string", "format": "date-time"},
        }}},
    },
    "required": ["total", "page", "size", "counts", "items", "declarations"],
}
PARAMETERS = [
    _param("view", {"type": "string", "enum": list(VIEWS)}, "mine (default: mine and my groups' work)"),
    _param("q", _TEXT, "a part of the application number, consortium name or lead unit name"),
    _param("round", {"type": "string", "pattern": "^[0-9]{4}$"}, "the application number's year"),
    _param("district", _TEXT, "district"),
    _param("step", _TEXT, "element id of the step"),
    _param("industry", _TEXT, "industry code"),
    _param("due", {"type": "string", "enum": list(DUE_FILTERS)}, "due date"),
    _param("claimed", {"type": "string", "enum": list(CLAIM_FILTERS)}, "who holds it"),
    _param("sort", {"type": "string", "enum": list(SORTS)}, "column (default due)"),
    _param("order", {"type": "string", "enum": ["asc", "desc"]}, "direction"),
    _param("page", {"type": "integer", "minimum": 1, "maximum": 10**9}, "page, from 1"),
    _param("size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}, "rows per page (25)"),
]
