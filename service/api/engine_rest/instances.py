"""Runtime process instances: list, fetch, variables, the activity-instance tree.

Runtime means running, as in Camunda: completed instances are in /history/process-instance only.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import browse, called_instances, instance_admin
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
    "superProcessInstance",
    "subProcessInstance",
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


def called_dto(called: called_instances.CalledInstance) -> dict[str, Any]:
    """A called process instance (service/engine/called_instances.py) as Camunda's ProcessInstanceDto."""
    return {
        "id": called.id,
        "definitionId": called.definition_id,
        "businessKey": None,
        "caseInstanceId": None,
        "ended": called.status == "completed",
        "suspended": called.suspended,
        "tenantId": None,
        "links": [link("self", f"/process-instance/{called.id}")],
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


def _called(params, query: InstanceQuery) -> list[called_instances.CalledInstance] | None:
    """The running called instances `query` and `superProcessInstance` select (Camunda lists a call
    activity's child as a process instance); narrows `query` by `subProcessInstance`. None: nothing
    can match."""
    super_id, sub_id = params.text("superProcessInstance"), params.text("subProcessInstance")
    if sub_id is not None:
        found = called_instances.get_called_instance(context(), actor=actor(), called_id=sub_id)
        if found is None or (query.ids and found.super_id not in query.ids):
            return None
        query.ids = [found.super_id]
    if params.text("businessKey") is not None or params.text("businessKeyLike") is not None:
        return []  # a called instance has no business key of its own here
    return [
        c
        for c in called_instances.list_called_instances(
            context(),
            actor=actor(),
            ids=query.ids,
            super_ids=[super_id] if super_id else [],
            status="active",
            definition_keys=[k for k in [query.definition_key] if k] + query.definition_keys,
            definition_id=query.definition_id,
        )
        if query.suspended is None or c.suspended == query.suspended
    ]


def _with_called(params, query: InstanceQuery | None) -> list[dict[str, Any]]:
    """The instances `query` selects and the called ones, sorted and paged once."""
    called = None if query is None else _called(params, query)
    if called is None:
        return []
    if params.text("superProcessInstance") is not None:
        rows: list[ProcessInstance] = []  # a top-level instance has no caller
    elif not called:
        return [instance_dto(r) for r in browse.list_instances(context(), actor=actor(), query=query)]
    else:
        first, limit = query.first, query.max_results
        query.first, query.max_results = 0, None
        rows = browse.list_instances(context(), actor=actor(), query=query)
        query.first, query.max_results = first, limit
    merged = [(r.started_at, instance_dto(r), r.definition_key, r.business_key) for r in rows]
    merged += [(c.started_at, called_dto(c), c.key, None) for c in called]
    sort = query.sort_by

    def key(item) -> tuple:
        value = {"instanceId": item[1]["id"], "definitionId": item[1]["definitionId"],
                 "definitionKey": item[2], "businessKey": item[3]}.get(sort, item[0])
        return (value is not None, value if value is not None else "")

    merged.sort(key=key, reverse=query.descending)
    end = None if query.max_results is None else query.first + query.max_results
    return [m[1] for m in merged][query.first : end]


def _list(with_body: bool):
    params = query_params(SUPPORTED, with_body=with_body)
    return jsonify(_with_called(params, _query(params, paged=True)))


@bp.get("/process-instance")
def list_instances():
    return _list(False)


@bp.post("/process-instance")
def query_instances():
    return _list(True)


@bp.get("/process-instance/count")
def count_instances():
    params = query_params(SUPPORTED)
    query = _query(params, paged=False)
    called = None if query is None else _called(params, query)
    if called is None:
        return jsonify(count=0)
    top = 0 if params.text("superProcessInstance") else browse.count_instances(context(), actor=actor(),
                                                                              query=query)
    return jsonify(count=top + len(called))


def _running(instance_id: str) -> ProcessInstance:
    row = browse.get_instance_row(context(), instance_id=instance_id, actor=actor())
    if row.status != "active":
        raise NotFound(
            f"流程实例已结束 / Process instance with id {instance_id} does not exist (it has ended)"
        )
    return row


@bp.get("/process-instance/<instance_id>")
def get_instance(instance_id: str):
    try:
        return jsonify(instance_dto(_running(instance_id)))
    except NotFound:
        called = called_instances.get_called_instance(context(), actor=actor(), called_id=instance_id)
        if called is None or called.status != "active":
            raise
        return jsonify(called_dto(called))


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
