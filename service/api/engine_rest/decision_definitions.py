"""Decision definitions (issue 15 item 6): list, get by id or key, the DMN XML, and evaluate, in the shapes of
Camunda 7.21's REST reference ("Decision Definition"). Any signed-in user reads them, as process
definitions; evaluating (Camunda: CREATE_INSTANCE on the decision definition) is for process owners and
administrators."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...actors import ADMIN, PROCESS_OWNER
from ...engine import decisions
from ...engine.store.decision_models import DecisionDefinition
from ...errors import Forbidden
from ..auth import context
from .blueprint import actor, bp
from .params import json_body, like, query_params
from .strict import check_fields
from .variables import from_typed_map, to_typed_map

FILTERS = {"decisionDefinitionId", "decisionDefinitionIdIn", "key", "keyIn", "keyLike", "name", "nameLike",
           "deploymentId", "version", "latestVersion", "resourceName"}


def decision_dto(row: DecisionDefinition) -> dict[str, Any]:
    return {
        "id": row.id,
        "key": row.key,
        "category": "http://camunda.org/schema/1.0/dmn",
        "name": row.name,
        "version": row.version,
        "resource": row.resource_name,
        "deploymentId": row.deployment_id,
        "decisionRequirementsDefinitionId": None,
        "decisionRequirementsDefinitionKey": None,
        "tenantId": None,
        "historyTimeToLive": None,
        "versionTag": row.version_tag,
    }


def _matching() -> tuple[list[DecisionDefinition], Any]:
    params = query_params(FILTERS | {"firstResult", "maxResults", "sortBy", "sortOrder"})
    rows = decisions.list_definitions(context(), latest_only=params.flag("latestVersion"))
    ids, keys = set(params.texts("decisionDefinitionIdIn")), set(params.texts("keyIn"))
    version = params.integer("version", minimum=1, maximum=2**31 - 1)
    checks = [
        lambda d: params.text("decisionDefinitionId") in (None, d.id),
        lambda d: not ids or d.id in ids,
        lambda d: params.text("key") in (None, d.key),
        lambda d: not keys or d.key in keys,
        lambda d: params.text("keyLike") is None or like(d.key, params.text("keyLike")),
        lambda d: params.text("name") in (None, d.name),
        lambda d: params.text("nameLike") is None or like(d.name or "", params.text("nameLike")),
        lambda d: params.text("deploymentId") in (None, d.deployment_id),
        lambda d: params.text("resourceName") in (None, d.resource_name),
        lambda d: version is None or d.version == version,
    ]
    return [d for d in rows if all(check(d) for check in checks)], params


@bp.get("/decision-definition")
def list_decision_definitions():
    rows, params = _matching()
    first, limit = params.paging()
    sort_by, desc = params.sorting({"id", "key", "name", "version", "deploymentId"}, "key")
    key = {"id": lambda d: d.id, "key": lambda d: (d.key, d.version), "name": lambda d: d.name or "",
           "version": lambda d: d.version, "deploymentId": lambda d: d.deployment_id}[sort_by]
    rows.sort(key=key, reverse=desc)
    return jsonify([decision_dto(d) for d in rows[first: first + limit]])


@bp.get("/decision-definition/count")
def count_decision_definitions():
    rows, _ = _matching()
    return jsonify(count=len(rows))


@bp.get("/decision-definition/<definition_id>")
def get_decision_definition(definition_id: str):
    return jsonify(decision_dto(decisions.get_definition(context(), definition_id=definition_id)))


@bp.get("/decision-definition/key/<key>")
def get_decision_definition_by_key(key: str):
    return jsonify(decision_dto(decisions.get_definition(context(), key=key)))


@bp.get("/decision-definition/<definition_id>/xml")
def decision_xml(definition_id: str):
    row = decisions.get_definition(context(), definition_id=definition_id)
    return jsonify(id=row.id, dmnXml=decisions.decision_xml(context(), row).decode("utf-8"))


@bp.get("/decision-definition/key/<key>/xml")
def decision_xml_by_key(key: str):
    row = decisions.get_definition(context(), key=key)
    return jsonify(id=row.id, dmnXml=decisions.decision_xml(context(), row).decode("utf-8"))


@bp.post("/decision-definition/<definition_id>/evaluate")
def evaluate(definition_id: str):
    return _evaluate(decisions.get_definition(context(), definition_id=definition_id))


@bp.post("/decision-definition/key/<key>/evaluate")
def evaluate_by_key(key: str):
    return _evaluate(decisions.get_definition(context(), key=key))


def _evaluate(row: DecisionDefinition):
    """Camunda's answer: one map of typed output values per matched rule (`DmnDecisionResult`)."""
    caller = actor()
    if not caller.has(PROCESS_OWNER, ADMIN):
        raise Forbidden("只有流程管理员可以直接求值决策 / Only process owners and administrators may "
                        "evaluate a decision")
    body = json_body()
    check_fields(body, {"variables"}, "EvaluateDecisionDto")
    variables = from_typed_map(body.get("variables"))
    results = decisions.evaluate(context(), definition=row, variables=variables, actor=caller)
    return jsonify([to_typed_map(result) for result in results])
