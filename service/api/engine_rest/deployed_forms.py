"""Deployment resources and deployed forms, as Camunda 7's REST API answers them:
`GET /deployment/{id}/resources`, `/deployment/{id}/resources/{rid}`, `/deployment/{id}/resources/{rid}/data`,
`/task/{id}/form`, `/task/{id}/deployed-form`, `/process-definition/{id}/deployed-start-form`, and
`POST /process-definition/{id}/submit-form` checked against the start form (issue 15)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, jsonify

from ...engine import browse, deployed_resources, instances
from ...engine.store.models import Resource
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .instances import instance_dto
from .params import json_body
from .strict import check_fields
from .variables import from_typed_map

MEDIA = {".bpmn": "application/xml", ".xml": "application/xml", ".dmn": "application/xml",
         ".form": "application/json", ".json": "application/json", ".html": "text/html"}


def resource_dto(row: Resource) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "deploymentId": row.deployment_id}


@bp.get("/deployment/<deployment_id>/resources")
def list_resources(deployment_id: str):
    rows = deployed_resources.list_resources(context(), deployment_id=deployment_id, actor=actor())
    return jsonify([resource_dto(r) for r in rows])


@bp.get("/deployment/<deployment_id>/resources/<resource_id>")
def get_resource(deployment_id: str, resource_id: str):
    return jsonify(resource_dto(_resource(deployment_id, resource_id)))


@bp.get("/deployment/<deployment_id>/resources/<resource_id>/data")
def resource_data(deployment_id: str, resource_id: str):
    row = _resource(deployment_id, resource_id)
    return _file(row.content, row.name)


@bp.get("/task/<task_id>/form")
def task_form(task_id: str):
    return jsonify(deployed_resources.task_form(context(), task_id=task_id, actor=actor()))


@bp.get("/task/<task_id>/deployed-form")
def task_deployed_form(task_id: str):
    content = deployed_resources.task_deployed_form(context(), task_id=task_id, actor=actor())
    return _file(content, "form.form", attachment=False)


@bp.get("/process-definition/key/<key>/deployed-start-form")
def deployed_start_form_by_key(key: str):
    return _deployed_start_form(browse.get_definition(context(), key=key))


@bp.get("/process-definition/<definition_id>/deployed-start-form")
def deployed_start_form(definition_id: str):
    return _deployed_start_form(browse.get_definition(context(), definition_id=definition_id))


def _deployed_start_form(definition):
    content = deployed_resources.start_deployed_form(context(), definition=definition)
    return _file(content, "form.form", attachment=False)


def _resource(deployment_id: str, resource_id: str) -> Resource:
    return deployed_resources.get_resource(context(), deployment_id=deployment_id, resource_id=resource_id,
                                           actor=actor())


def _file(content: bytes, name: str, *, attachment: bool = True) -> Response:
    """The bytes as stored, typed by the file's extension; a resource is sent as an attachment named
    as deployed (RFC 6266 `filename*`, so a Chinese name survives)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    response = Response(content, mimetype=MEDIA.get(suffix, "application/octet-stream"))
    if attachment:
        base = name.rsplit("/", 1)[-1]
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(base)}"
    return response


@bp.post("/process-definition/<definition_id>/submit-form")
def submit_start_form(definition_id: str):
    return _submit_start(browse.get_definition(context(), definition_id=definition_id))


@bp.post("/process-definition/key/<key>/submit-form")
def submit_start_form_by_key(key: str):
    return _submit_start(browse.get_definition(context(), key=key))


def _submit_start(definition):
    """Start with the start form's values (Camunda's StartProcessInstanceFormDto: variables,
    businessKey), checked against the start event's form first (400 listing every field)."""
    instances.check_may_start(definition, actor(), context().extensions)
    body = json_body()
    check_fields(body, {"variables", "businessKey"}, "StartProcessInstanceFormDto")
    business_key = body.get("businessKey")
    if business_key is not None and not isinstance(business_key, str):
        raise BadRequest("businessKey must be a string")
    data = from_typed_map(body.get("variables"))
    clean = deployed_resources.start_form_data(context(), definition=definition, data=data)
    started = instances.start_instance(context(), definition_id=definition.id, actor=actor(),
                                       business_key=business_key, variables=clean)
    return jsonify(instance_dto(browse.get_instance_row(context(), instance_id=started.id, actor=actor())))
