"""`GET /execution[/count]`, `/execution/{id}`, and an execution's message subscriptions, in Camunda
7.21's shapes. Which executions exist (the instance's own, and a child per concurrent token or scope)
is service/engine/executions.py's rule."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import executions, messages
from ...engine.store.instance_query import InstanceQuery
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import format_date, json_body, query_params
from .strict import check_fields
from .variables import from_typed_map

QUERY = {
    "businessKey",
    "processDefinitionId",
    "processDefinitionKey",
    "processInstanceId",
    "activityId",
    "messageEventSubscriptionName",
    "signalEventSubscriptionName",
    "active",
    "suspended",
    "tenantIdIn",
}
SORTS = {"instanceId", "definitionKey", "definitionId"}


def execution_dto(execution: executions.Execution) -> dict[str, Any]:
    """Camunda's ExecutionDto."""
    return {"id": execution.id, "processInstanceId": execution.instance.id, "ended": False, "tenantId": None}


def _rows(params, *, paged: bool) -> list[executions.Execution]:
    if params.texts("tenantIdIn"):
        raise BadRequest("tenants are not supported: tenantIdIn")
    one = params.text("processInstanceId")
    suspended, active = params.flag("suspended"), params.flag("active")
    if (suspended and active) or params.text("signalEventSubscriptionName"):
        return []  # signals are not modelled: no execution waits for one
    query = InstanceQuery(
        suspended=True if suspended else (False if active else None),
        ids=[one] if one else [],
        business_key=params.text("businessKey"),
        definition_id=params.text("processDefinitionId"),
        definition_key=params.text("processDefinitionKey"),
        status="active",
    )
    first, limit = (0, None)
    if paged:
        first, limit = params.paging()
        query.sort_by, query.descending = params.sorting(SORTS, "instanceId")
    found = executions.list_executions(
        context(),
        actor=actor(),
        query=query,
        activity_id=params.text("activityId"),
        message_name=params.text("messageEventSubscriptionName"),
    )
    return found[first:] if limit is None else found[first : first + limit]


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
    found = executions.get_execution(context(), actor=actor(), execution_id=execution_id)
    return jsonify(execution_dto(found))


@bp.get("/execution/<execution_id>/messageSubscriptions/<message_name>")
def execution_message_subscription(execution_id: str, message_name: str):
    sub = executions.message_subscription(
        context(), actor=actor(), execution_id=execution_id, message_name=message_name
    )
    execution = executions.get_execution(context(), actor=actor(), execution_id=execution_id)
    return jsonify(
        {
            "id": sub.id,
            "eventType": "message",
            "eventName": sub.name,
            "executionId": sub.execution_id,
            "processInstanceId": execution.instance.id,
            "activityId": sub.activity_id,
            "createdDate": format_date(sub.created_at),
            "tenantId": None,
        }
    )


@bp.post("/execution/<execution_id>/messageSubscriptions/<message_name>/trigger")
def execution_trigger_message(execution_id: str, message_name: str):
    """Deliver the message the execution waits for (Camunda's messageEventReceived), with `variables`."""
    body = json_body()
    check_fields(body, {"variables"}, "ExecutionTriggerDto")
    variables = from_typed_map(body.get("variables"))
    sub = executions.message_subscription(
        context(), actor=actor(), execution_id=execution_id, message_name=message_name
    )
    execution = executions.get_execution(context(), actor=actor(), execution_id=sub.execution_id)
    messages.correlate(
        context(),
        actor=actor(),
        message_name=message_name,
        process_instance_id=execution.instance.id,
        process_variables=variables,
    )
    return "", 204
