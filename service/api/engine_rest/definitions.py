"""Process definitions: list, fetch by id or key, the BPMN XML, start, start-form variables."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import browse, deployed_resources, instance_admin, instances
from ...engine.store.models import ProcessDefinition
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .instances import instance_dto
from .params import json_body, like, query_params
from .strict import boolean, check_fields, text
from .variables import from_typed_map, to_typed_map

START_FIELDS = {
    "businessKey",
    "variables",
    "caseInstanceId",
    "startInstructions",
    "skipCustomListeners",
    "skipIoMappings",
    "withVariablesInReturn",
}  # Camunda 7.21's StartProcessInstanceDto

SUPPORTED = {
    "processDefinitionId",
    "processDefinitionIdIn",
    "key",
    "keysIn",
    "keyLike",
    "name",
    "nameLike",
    "deploymentId",
    "version",
    "latestVersion",
    "resourceName",
    "active",
    "suspended",
}
SORTS = {
    "id": lambda d: d.id,
    "key": lambda d: d.key,
    "name": lambda d: d.name or "",
    "version": lambda d: d.version,
    "deploymentId": lambda d: d.deployment_id,
}


def definition_dto(row: ProcessDefinition) -> dict[str, Any]:
    return {
        "id": row.id,
        "key": row.key,
        "category": None,
        "description": None,
        "name": row.name,
        "version": row.version,
        "resource": row.resource_name,
        "deploymentId": row.deployment_id,
        "diagram": None,
        "suspended": bool(row.suspended),
        "tenantId": None,
        "versionTag": row.version_tag,
        "historyTimeToLive": None,
        "startableInTasklist": True,
    }


def _matching(params) -> list[ProcessDefinition]:
    rows = browse.list_definitions(context(), latest_only=params.flag("latestVersion"))
    ids = set(params.texts("processDefinitionIdIn"))
    keys = set(params.texts("keysIn"))
    version = params.integer("version", minimum=1, maximum=2**31 - 1)
    checks = [
        lambda d: not params.flag("suspended") or d.suspended,
        lambda d: not params.flag("active") or not d.suspended,
        lambda d: params.text("processDefinitionId") in (None, d.id),
        lambda d: not ids or d.id in ids,
        lambda d: params.text("key") in (None, d.key),
        lambda d: not keys or d.key in keys,
        lambda d: params.text("name") in (None, d.name),
        lambda d: params.text("deploymentId") in (None, d.deployment_id),
        lambda d: params.text("resourceName") in (None, d.resource_name),
        lambda d: version in (None, d.version),
        lambda d: params.text("keyLike") is None or like(d.key, params.text("keyLike")),
        lambda d: params.text("nameLike") is None or like(d.name or "", params.text("nameLike")),
    ]
    return [d for d in rows if all(check(d) for check in checks)]


@bp.get("/process-definition")
def list_definitions():
    params = query_params(SUPPORTED)
    first, limit = params.paging()
    sort_by, desc = params.sorting(SORTS, "key")
    rows = sorted(_matching(params), key=lambda d: (SORTS[sort_by](d), d.version), reverse=desc)
    return jsonify([definition_dto(d) for d in rows[first : first + limit]])


@bp.get("/process-definition/count")
def count_definitions():
    return jsonify(count=len(_matching(query_params(SUPPORTED))))


def _definition(definition_id: str | None = None, key: str | None = None) -> ProcessDefinition:
    return browse.get_definition(context(), definition_id=definition_id, key=key)


@bp.get("/process-definition/<definition_id>")
def get_definition(definition_id: str):
    return jsonify(definition_dto(_definition(definition_id)))


@bp.get("/process-definition/key/<key>")
def get_definition_by_key(key: str):
    return jsonify(definition_dto(_definition(key=key)))


@bp.get("/process-definition/<definition_id>/xml")
def definition_xml(definition_id: str):
    return _xml(_definition(definition_id))


@bp.get("/process-definition/key/<key>/xml")
def definition_xml_by_key(key: str):
    return _xml(_definition(key=key))


def _xml(definition: ProcessDefinition):
    content = browse.definition_xml(context(), definition)
    return jsonify(id=definition.id, bpmn20Xml=content.decode("utf-8"))


@bp.post("/process-definition/<definition_id>/start")
def start(definition_id: str):
    return _start(_definition(definition_id))


@bp.post("/process-definition/key/<key>/start")
def start_by_key(key: str):
    return _start(_definition(key=key))


def _start(definition: ProcessDefinition):
    # 403 before the body is read, whatever it holds
    instances.check_may_start(definition, actor(), context().extensions)
    body = json_body()
    check_fields(body, START_FIELDS, "StartProcessInstanceDto")
    if body.get("caseInstanceId"):
        raise BadRequest("不支持的启动参数 / Unsupported start option(s): caseInstanceId (no CMMN)")
    if body.get("startInstructions"):
        raise BadRequest(
            "不支持的启动参数 / Unsupported start option(s): startInstructions "
            "(starting at a chosen activity is not supported)"
        )
    if body.get("startInstructions") not in (None, []):
        raise BadRequest("startInstructions must be a list")
    # Camunda respects these two only together with startInstructions: without them, it ignores them
    boolean(body, "skipCustomListeners", default=False)
    boolean(body, "skipIoMappings", default=False)
    with_variables = boolean(body, "withVariablesInReturn", default=False)
    business_key = body.get("businessKey")
    if business_key is not None and not isinstance(business_key, str):
        raise BadRequest("businessKey must be a string")
    started = instances.start_instance(
        context(),
        definition_id=definition.id,
        actor=actor(),
        business_key=business_key,
        variables=from_typed_map(body.get("variables")),
    )
    row = browse.get_instance_row(context(), instance_id=started.id, actor=actor())
    dto = instance_dto(row)
    if with_variables:
        dto["variables"] = to_typed_map(
            browse.instance_variables(context(), instance_id=row.id, actor=actor())
        )
    return jsonify(dto)


@bp.get("/process-definition/<definition_id>/form-variables")
def start_form_variables(definition_id: str):
    return _start_form_variables(_definition(definition_id))


@bp.get("/process-definition/key/<key>/form-variables")
def start_form_variables_by_key(key: str):
    return _start_form_variables(_definition(key=key))


def _start_form_variables(definition: ProcessDefinition):
    """The start form's generated fields with their default values (Camunda's GetStartFormVariablesCmd)."""
    params = query_params({"variableNames", "deserializeValues"})
    params.flag("deserializeValues")
    values = deployed_resources.start_form_variables(context(), definition=definition)
    return jsonify(to_typed_map(values, params.texts("variableNames")))


# --- suspension (issue 16) ------------------------------------------------------------------------------

SUSPENSION_FIELDS = {"suspended", "includeProcessInstances", "executionDate"}


def _suspend(body: dict, *, definition_id: str | None = None, key: str | None = None):
    if body.get("executionDate"):
        raise BadRequest("executionDate is not supported: suspension and activation take effect at once")
    if body.get("suspended") is None:
        raise BadRequest("'suspended' is required (true or false)")
    instance_admin.set_definition_suspended(
        context(),
        actor=actor(),
        suspended=boolean(body, "suspended", default=False),
        definition_id=definition_id,
        key=key,
        include_instances=boolean(body, "includeProcessInstances", default=False),
    )
    return "", 204


@bp.put("/process-definition/<definition_id>/suspended")
def suspend_definition(definition_id: str):
    body = json_body()
    check_fields(body, SUSPENSION_FIELDS, "ProcessDefinitionSuspensionStateDto")
    return _suspend(body, definition_id=_definition(definition_id).id)


@bp.put("/process-definition/key/<key>/suspended")
def suspend_definition_by_key(key: str):
    body = json_body()
    check_fields(body, SUSPENSION_FIELDS, "ProcessDefinitionSuspensionStateDto")
    return _suspend(body, key=_definition(key=key).key)


@bp.put("/process-definition/suspended")
def suspend_definitions():
    body = json_body()
    check_fields(body, SUSPENSION_FIELDS | {"processDefinitionKey"}, "ProcessDefinitionSuspensionStateDto")
    key = text(body, "processDefinitionKey", required=True)
    return _suspend(body, key=_definition(key=key).key)
