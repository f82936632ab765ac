"""Runtime process instances: list, fetch, variables, the activity-instance tree.

Runtime means running, as in Camunda: completed instances are in /history/process-instance only.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import browse, instance_admin
from ...engine.store.instance_query import InstanceQuery
from ...engine.store.models import ProcessInstance
from ...errors import NotFound
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import json_body, link, query_params
from .strict import boolean, check_fields, text
from .variable_routes import add_variable_routes
from .variables import to_typed_map

SUPPORTED = {
    "processInstanceIds",
    "businessKey",
    "businessKeyLike",
    "processDefinitionId",
    "processDefinitionKey",
    "processDefinitionKeyIn",
    "active",
    "suspended",
}
GROUP_SUSPENSION_FIELDS = {
    "suspended",
    "processDefinitionId",
    "processDefinitionKey",
    "processDefinitionTenantId",
    "processDefinitionWithoutTenantId",
    "processInstanceIds",
    "processInstanceQuery",
    "historicProcessInstanceQuery",
}
SORTS = {
    "instanceId": "instanceId",
    "definitionKey": "definitionKey",
    "definitionId": "definitionId",
    "businessKey": "businessKey",
}


def instance_dto(row: ProcessInstance) -> dict[str, Any]:
    return {
        "id": row.id,
        "definitionId": row.definition_id,
        "businessKey": row.business_key,
        "caseInstanceId": None,
        "ended": row.status == "completed",
        "suspended": bool(row.suspended),
        "tenantId": None,
        "links": [link("self", f"/process-instance/{row.id}")],
    }


def _query(params, *, paged: bool) -> InstanceQuery | None:
    suspended, active = params.flag("suspended"), params.flag("active")
    if suspended and active:
        return None  # nothing is both
    query = InstanceQuery(
        suspended=True if suspended else (False if active else None),
        ids=params.texts("processInstanceIds"),
        business_key=params.text("businessKey"),
        business_key_like=params.text("businessKeyLike"),
        definition_id=params.text("processDefinitionId"),
        definition_key=params.text("processDefinitionKey"),
        definition_keys=params.texts("processDefinitionKeyIn"),
        status="active",
    )
    if paged:
        query.first, query.max_results = params.paging()
        sort_by, query.descending = params.sorting(SORTS, "started")
        query.sort_by = SORTS.get(sort_by, "started")
    return query


def _list(with_body: bool):
    params = query_params(SUPPORTED, with_body=with_body)
    query = _query(params, paged=True)
    rows = [] if query is None else browse.list_instances(context(), actor=actor(), query=query)
    return jsonify([instance_dto(r) for r in rows])


@bp.get("/process-instance")
def list_instances():
    return _list(False)


@bp.post("/process-instance")
def query_instances():
    return _list(True)


@bp.get("/process-instance/count")
def count_instances():
    query = _query(query_params(SUPPORTED), paged=False)
    return jsonify(
        count=0 if query is None else browse.count_instances(context(), actor=actor(), query=query)
    )


def _running(instance_id: str) -> ProcessInstance:
    row = browse.get_instance_row(context(), instance_id=instance_id, actor=actor())
    if row.status != "active":
        raise NotFound(
            f"流程实例已结束 / Process instance with id {instance_id} does not exist (it has ended)"
        )
    return row


@bp.get("/process-instance/<instance_id>")
def get_instance(instance_id: str):
    return jsonify(instance_dto(_running(instance_id)))


@bp.get("/process-instance/<instance_id>/variables")
def instance_variables(instance_id: str):
    params = query_params({"deserializeValues"})
    params.flag("deserializeValues")
    _running(instance_id)
    return jsonify(to_typed_map(browse.instance_variables(context(), instance_id=instance_id, actor=actor())))


@bp.get("/process-instance/<instance_id>/activity-instances")
def activity_instances(instance_id: str):
    row, active = browse.active_elements(context(), instance_id=instance_id, actor=actor())
    # a boundary event waits as part of its activity: Camunda lists no activity instance for it
    active = [e for e in active if not e.activity_type.startswith("boundary")]
    if row.status != "active":
        raise NotFound(
            f"流程实例已结束 / Process instance with id {instance_id} does not exist (it has ended)"
        )
    root = _node(row.id, None, row.definition_id, row.definition_key, "processDefinition", row)
    nodes = {
        e.task_id: _node(
            f"{e.element_id}:{e.task_id}", root["id"], e.element_id, e.name, e.activity_type, row
        )
        for e in active
    }
    call = next(
        (
            n
            for e, n in zip(active, nodes.values(), strict=True)
            if e.activity_type == "callActivity" and e.process_key == row.definition_key
        ),
        None,
    )
    for element, node in zip(active, nodes.values(), strict=True):
        parent = root if element.process_key == row.definition_key or call is None else call
        node["parentActivityInstanceId"] = parent["id"]
        parent["childActivityInstances"].append(node)
    return jsonify(root)


def _node(
    node_id: str, parent: str | None, activity_id: str, name: str | None, kind: str, row: ProcessInstance
):
    return {
        "id": node_id,
        "parentActivityInstanceId": parent,
        "activityId": activity_id,
        "activityName": name,
        "name": name,  # the deprecated field Camunda still sends (pycamunda reads it)
        "activityType": kind,
        "processInstanceId": row.id,
        "processDefinitionId": row.definition_id,
        "childActivityInstances": [],
        "childTransitionInstances": [],
        "executionIds": [row.id],
        "incidentIds": [],
        "incidents": [],
    }


# --- administration (issue 16): variables, cancel, suspension ---------------------------------------------


def _instance_variables(instance_id: str):
    _running(instance_id)
    return browse.instance_variables(context(), instance_id=instance_id, actor=actor())


def _set_instance_variables(instance_id: str, modifications: dict[str, Any], deletions: list[str]) -> None:
    instance_admin.set_variables(
        context(), actor=actor(), instance_id=instance_id, modifications=modifications, deletions=deletions
    )


add_variable_routes(
    bp,
    "/process-instance/<owner_id>/variables",
    "instance_variables",
    read=_instance_variables,
    write=_set_instance_variables,
    missing="流程变量不存在 / process instance variable with name {name} does not exist",
)


@bp.delete("/process-instance/<instance_id>")
def delete_instance(instance_id: str):
    params = query_params({"skipCustomListeners", "skipIoMappings", "skipSubprocesses", "failIfNotExists"})
    params.flag("skipSubprocesses")  # called activities run inside the instance here: they end with it
    params.flag("skipIoMappings")  # output mappings of cancelled activities never run here
    fail = params.values.get("failIfNotExists") is None or params.flag("failIfNotExists")
    try:
        instance_admin.cancel(
            context(),
            actor=actor(),
            instance_id=instance_id,
            skip_custom_listeners=params.flag("skipCustomListeners"),
        )
    except NotFound:
        if fail:
            raise
    return "", 204


@bp.put("/process-instance/suspended")
def suspend_instances_in_group():
    """Suspend or activate the instances of a definition (id or key) or a list of instance ids."""
    body = json_body()
    check_fields(body, GROUP_SUSPENSION_FIELDS, "ProcessInstanceSuspensionStateDto")
    if body.get("processDefinitionTenantId"):
        raise BadRequest("tenants are not supported: processDefinitionTenantId")
    boolean(body, "processDefinitionWithoutTenantId", default=False)  # every definition is without tenant
    if body.get("processInstanceQuery") or body.get("historicProcessInstanceQuery"):
        raise BadRequest(
            "processInstanceQuery/historicProcessInstanceQuery are not supported; "
            "give processInstanceIds, processDefinitionId or processDefinitionKey"
        )
    if body.get("suspended") is None:
        raise BadRequest("'suspended' is required (true or false)")
    ids = body.get("processInstanceIds")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise BadRequest("processInstanceIds must be a list of ids")
    chosen = [k for k in ("processDefinitionId", "processDefinitionKey", "processInstanceIds") if body.get(k)]
    if len(chosen) != 1:
        raise BadRequest("Give exactly one of processDefinitionId, processDefinitionKey, processInstanceIds")
    instance_admin.set_suspended_in_group(
        context(),
        actor=actor(),
        suspended=boolean(body, "suspended", default=False),
        definition_id=text(body, "processDefinitionId"),
        definition_key=text(body, "processDefinitionKey"),
        instance_ids=ids,
    )
    return "", 204


@bp.put("/process-instance/<instance_id>/suspended")
def suspend_instance(instance_id: str):
    body = json_body()
    check_fields(body, {"suspended"}, "SuspensionStateDto")
    if body.get("suspended") is None:
        raise BadRequest("'suspended' is required (true or false)")
    instance_admin.set_suspended(
        context(), actor=actor(), instance_id=instance_id, suspended=boolean(body, "suspended", default=False)
    )
    return "", 204
