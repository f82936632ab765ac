"""`/variable-instance` and `/history/variable-instance` in Camunda 7.21's shapes
(service/engine/variable_instances.py)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import variable_instances
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import format_date, query_params
from .variables import to_typed

QUERY = {
    "variableName",
    "variableNameLike",
    "processInstanceIdIn",
    "deserializeValues",
    "tenantIdIn",
    "executionIdIn",
}
HISTORY_QUERY = QUERY | {"processInstanceId", "includeDeleted"}


def variable_dto(row: variable_instances.VariableRow) -> dict[str, Any]:
    typed = to_typed(row.value, row.kind)
    return {
        "id": row.id,
        "name": row.name,
        "type": typed["type"],
        "value": typed["value"],
        "valueInfo": typed["valueInfo"],
        "processDefinitionId": row.instance.definition_id,
        "processInstanceId": row.instance.id,
        "executionId": row.instance.id,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": None,
        "batchId": None,
        "activityInstanceId": row.instance.id,
        "errorMessage": None,
        "tenantId": None,
    }


def historic_dto(row: variable_instances.VariableRow) -> dict[str, Any]:
    body = variable_dto(row)
    body.pop("batchId")
    body.update(
        processDefinitionKey=row.instance.definition_key,
        caseDefinitionKey=None,
        caseDefinitionId=None,
        state="CREATED",
        createTime=format_date(row.instance.started_at),
        removalTime=None,
        rootProcessInstanceId=row.instance.id,
    )
    return body


def _rows(params, *, running_only: bool, paged: bool) -> list[variable_instances.VariableRow]:
    if params.texts("tenantIdIn"):
        raise BadRequest("tenants are not supported: tenantIdIn")
    params.flag("deserializeValues")
    params.flag("includeDeleted")  # deleted variables are not kept: nothing more to include
    ids = params.texts("processInstanceIdIn") + params.texts("executionIdIn")
    if params.values.get("processInstanceId"):
        ids.append(params.text("processInstanceId"))
    first, limit = params.paging() if paged else (0, None)
    if paged:
        params.sorting({"variableName", "instanceId"}, "instanceId")
    return variable_instances.list_variables(
        context(),
        actor=actor(),
        instance_ids=ids,
        name=params.text("variableName"),
        name_like=params.text("variableNameLike"),
        running_only=running_only,
        first=first,
        limit=limit,
    )


@bp.get("/variable-instance")
def variable_instance_list():
    rows = _rows(query_params(QUERY), running_only=True, paged=True)
    return jsonify([variable_dto(r) for r in rows])


@bp.post("/variable-instance")
def variable_instance_query():
    rows = _rows(query_params(QUERY, with_body=True), running_only=True, paged=True)
    return jsonify([variable_dto(r) for r in rows])


@bp.get("/variable-instance/count")
def variable_instance_count():
    return jsonify(count=len(_rows(query_params(QUERY), running_only=True, paged=False)))


@bp.get("/variable-instance/<variable_id>")
def variable_instance_get(variable_id: str):
    query_params({"deserializeValue"}).flag("deserializeValue")
    return jsonify(
        variable_dto(variable_instances.get_variable(context(), actor=actor(), variable_id=variable_id))
    )


@bp.get("/history/variable-instance")
def historic_variable_list():
    rows = _rows(query_params(HISTORY_QUERY), running_only=False, paged=True)
    return jsonify([historic_dto(r) for r in rows])


@bp.get("/history/variable-instance/count")
def historic_variable_count():
    return jsonify(count=len(_rows(query_params(HISTORY_QUERY), running_only=False, paged=False)))
