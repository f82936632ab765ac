"""Deployments: what Camunda Modeler's Deploy button calls (connection check, then multipart create)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ...engine import browse
from ...engine.deployments import deploy
from ...engine.store.decision_models import DecisionDefinition
from ...engine.store.models import Deployment, ProcessDefinition
from ..auth import context
from .blueprint import actor, bp
from .decision_definitions import decision_dto
from .definitions import definition_dto
from .errors import BadRequest
from .params import format_date, like, link, query_params

FORM_FIELDS = {
    "deployment-name",
    "deployment-source",
    "deploy-changed-only",
    "enable-duplicate-filtering",
    "deployment-activation-time",
    "tenant-id",
}


def deployment_dto(row: Deployment) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "source": row.source,
        "deploymentTime": format_date(row.deployed_at),
        "tenantId": row.tenant_id,
        "links": [link("self", f"/deployment/{row.id}")],
    }


@bp.get("/deployment")
def list_deployments():
    params = query_params({"id", "name", "nameLike", "source"})
    first, limit = params.paging()
    sort_by, desc = params.sorting({"id", "name", "deploymentTime"}, "deploymentTime")
    rows = browse.list_deployments(context(), actor=actor())
    rows = _filter(rows, params)
    key = {"id": lambda d: d.id, "name": lambda d: d.name or "", "deploymentTime": lambda d: d.deployed_at}[
        sort_by
    ]
    rows.sort(key=key, reverse=desc)
    return jsonify([deployment_dto(d) for d in rows[first : first + limit]])


@bp.get("/deployment/count")
def count_deployments():
    params = query_params({"id", "name", "nameLike", "source"})
    return jsonify(count=len(_filter(browse.list_deployments(context(), actor=actor()), params)))


def _filter(rows: list[Deployment], params) -> list[Deployment]:
    name_like = params.text("nameLike")
    checks = [
        lambda d: params.text("id") in (None, d.id),
        lambda d: params.text("name") in (None, d.name),
        lambda d: params.text("source") in (None, d.source),
        lambda d: name_like is None or like(d.name or "", name_like),
    ]
    return [d for d in rows if all(check(d) for check in checks)]


@bp.get("/deployment/<deployment_id>")
def get_deployment(deployment_id: str):
    return jsonify(
        deployment_dto(browse.get_deployment(context(), deployment_id=deployment_id, actor=actor()))
    )


@bp.post("/deployment/create")
def create_deployment():
    """Multipart as Modeler sends it: the form fields plus one part per file, whatever the part's name."""
    if not request.mimetype.startswith("multipart/form-data"):
        raise BadRequest("部署需要 multipart/form-data / Deployment requires a multipart/form-data request")
    form = request.form
    files: dict[str, bytes] = {}
    for field_name, upload in request.files.items(multi=True):
        files[upload.filename or field_name] = upload.read()
    if not files:
        raise BadRequest("No deployment resources contained in the form upload.")
    if form.get("tenant-id"):  # issue 16: refused rather than stored and ignored
        raise BadRequest("tenants are not supported: form field 'tenant-id' (deploy without a tenant)")
    if form.get("deployment-activation-time"):
        raise BadRequest("deployment-activation-time is not supported: definitions are active when deployed")
    changed_only = _flag(form.get("deploy-changed-only"), "deploy-changed-only")
    duplicate_filtering = _flag(form.get("enable-duplicate-filtering"), "enable-duplicate-filtering")
    result = deploy(
        context(),
        files=files,
        actor=actor(),
        name=form.get("deployment-name") or None,
        source=form.get("deployment-source") or None,
        tenant_id=None,
        changed_only=changed_only or duplicate_filtering,
    )
    if result.deployment is not None:
        body = deployment_dto(result.deployment)
        deployed = {d.id: definition_dto(d) for d in result.created}
        decided = {d.id: decision_dto(d) for d in result.decisions_created}
    else:  # nothing changed: Camunda answers with the existing deployment and no new definitions
        body = deployment_dto(_existing([*result.unchanged, *result.decisions_unchanged]))
        deployed = decided = None
    body.update(
        deployedProcessDefinitions=deployed,
        deployedCaseDefinitions=None,
        deployedDecisionDefinitions=decided,
        deployedDecisionRequirementsDefinitions=None,
    )
    if result.warnings:  # not a Camunda field: only present when there is something to say (issue 15)
        body["warnings"] = result.warnings
    return jsonify(body)


def _existing(unchanged: list[ProcessDefinition | DecisionDefinition]) -> Deployment:
    latest = max(unchanged, key=lambda d: d.deployed_at)
    return browse.get_deployment(context(), deployment_id=latest.deployment_id, actor=actor())


def _flag(value: str | None, name: str) -> bool:
    """A form field's boolean, in any case ("True" from pycamunda): Camunda parses it case-insensitively."""
    if value in (None, ""):
        return False
    if value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BadRequest(f"Form field '{name}' must be true or false, not '{value}'")
