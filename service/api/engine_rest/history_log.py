"""`GET /history/user-operation[/count]` in Camunda 7.21's shape, from the audit trail
(service/engine/operation_log.py)."""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify

from ...engine import operation_log
from ..auth import context
from .blueprint import actor, bp
from .params import format_date, query_params

QUERY = {
    "processInstanceId",
    "taskId",
    "userId",
    "operationType",
    "entityType",
    "afterTimestamp",
    "beforeTimestamp",
}


def entry_dto(entry: operation_log.Entry) -> dict[str, Any]:
    event = entry.event
    operation, entity, category = entry.operation
    detail = entry.detail
    return {
        "id": str(event.id),
        "deploymentId": detail.get("deployment") if entity == "Deployment" else None,
        "processDefinitionId": entry.definition_id,
        "processDefinitionKey": entry.definition_key,
        "processInstanceId": event.instance_id,
        "executionId": event.instance_id,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": event.task_id if entity == "Task" else None,
        "externalTaskId": event.task_id if entity == "ExternalTask" else None,
        "batchId": None,
        "jobId": detail.get("job") if entity == "Job" else None,
        "jobDefinitionId": None,
        "userId": event.actor,
        "timestamp": format_date(event.at),
        "operationId": f"{event.stream}:{event.seq}",
        "operationType": operation,
        "entityType": entity,
        "category": category,
        "annotation": None,
        "property": None,
        "orgValue": None,
        "newValue": json.dumps(detail, ensure_ascii=False) if detail else None,
        "removalTime": None,
        "rootProcessInstanceId": event.instance_id,
    }


def _filters(params) -> operation_log.LogFilters:
    return operation_log.LogFilters(
        instance_id=params.text("processInstanceId"),
        task_id=params.text("taskId"),
        user_id=params.text("userId"),
        operation_type=params.text("operationType"),
        entity_type=params.text("entityType"),
        after=params.date("afterTimestamp"),
        before=params.date("beforeTimestamp"),
    )


@bp.get("/history/user-operation")
def user_operation_list():
    params = query_params(QUERY)
    first, limit = params.paging()
    _, desc = params.sorting({"timestamp"}, "timestamp")
    entries = operation_log.list_entries(
        context(), actor=actor(), filters=_filters(params), first=first, limit=limit, descending=desc
    )
    return jsonify([entry_dto(e) for e in entries])


@bp.get("/history/user-operation/count")
def user_operation_count():
    params = query_params(QUERY)
    return jsonify(count=operation_log.count_entries(context(), actor=actor(), filters=_filters(params)))
