"""`GET /execution[/count]`, `/execution/{id}` in Camunda 7.21's shapes: here every running instance is
one execution whose id is the instance's id (parallel paths and scopes are not exposed as executions)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import browse
from ...engine.store.instance_query import InstanceQuery
from ...engine.store.models import ProcessInstance
from ...errors import NotFound
from ..auth import context
from .blueprint import actor, bp
from .params import query_params

QUERY = {
    "businessKey",
    "processDefinitionId",
    "processDefinitionKey",
    "processInstanceId",
    "active",
    "suspended",
}


def execution_dto(row: ProcessInstance) -> dict[str, Any]:
    return {"id": row.id, "processInstanceId": row.id, "ended": False, "tenantId": None}


def _rows(params, *, paged: bool) -> list[ProcessInstance]:
    one = params.text("processInstanceId")
    suspended, active = params.flag("suspended"), params.flag("active")
    if suspended and active:
        return []
    query = InstanceQuery(
        suspended=True if suspended else (False if active else None),
        ids=[one] if one else [],
        business_key=params.text("businessKey"),
        definition_id=params.text("processDefinitionId"),
        definition_key=params.text("processDefinitionKey"),
        status="active",
    )
    if paged:
        query.first, query.max_results = params.paging()
        params.sorting({"instanceId", "definitionKey", "definitionId"}, "instanceId")
    return browse.list_instances(context(), actor=actor(), query=query)


@bp.get("/execution")
def execution_list():
    return jsonify([execution_dto(r) for r in _rows(query_params(QUERY), paged=True)])


@bp.post("/execution")
def execution_query():
    return jsonify([execution_dto(r) for r in _rows(query_params(QUERY, with_body=True), paged=True)])


@bp.get("/execution/count")
def execution_count():
    return jsonify(count=len(_rows(query_params(QUERY), paged=False)))


@bp.post("/execution/count")
def execution_count_query():
    return jsonify(count=len(_rows(query_params(QUERY, with_body=True), paged=False)))


@bp.get("/execution/<execution_id>")
def execution_get(execution_id: str):
    row = browse.get_instance_row(context(), instance_id=execution_id, actor=actor())
    if row.status != "active":
        raise NotFound(f"执行不存在 / Execution with id {execution_id} does not exist")
    return jsonify(execution_dto(row))
