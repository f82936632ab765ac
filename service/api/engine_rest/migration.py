"""Camunda's process instance migration: `POST /migration/generate`, `/migration/validate`,
`/migration/execute` (docs.camunda.org 7.21 REST reference, "Migration"); the use cases are in
service/engine/migration.py.

Refused rather than ignored: `variables` on a plan (setting variables while migrating), instructions
mapping several activities at once, and `processInstanceQuery` filters this server's instance query
does not support. `executeAsync` (a batch) is not offered: 404, as any route that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from ...engine import migration
from ...engine.store.instance_query import InstanceQuery
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import Params, json_body
from .strict import boolean, check_fields, text

PLAN_FIELDS = {"sourceProcessDefinitionId", "targetProcessDefinitionId", "instructions", "variables"}
INSTRUCTION_FIELDS = {"sourceActivityIds", "targetActivityIds", "updateEventTrigger"}
EXECUTION_FIELDS = {"migrationPlan", "processInstanceIds", "processInstanceQuery", "skipCustomListeners",
                    "skipIoMappings"}
QUERY_FIELDS = {"processInstanceIds", "businessKey", "businessKeyLike", "processDefinitionId",
                "processDefinitionKey", "processDefinitionKeyIn", "active", "suspended"}


def plan_dto(plan: migration.Plan) -> dict[str, Any]:
    """Camunda's MigrationPlanDto."""
    return {"sourceProcessDefinitionId": plan.source_id, "targetProcessDefinitionId": plan.target_id,
            "instructions": [migration.instruction_dto(i) for i in plan.instructions], "variables": None}


def _one_id(instruction: dict, name: str, where: str) -> str:
    ids = instruction.get(name)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise BadRequest(f"'{where}.{name}' must be a non-empty list of activity ids")
    if len(ids) != 1:
        raise BadRequest(f"'{where}.{name}': only one activity per instruction is supported")
    return ids[0]


def _plan(body: Any, where: str = "") -> migration.Plan:
    if not isinstance(body, dict):
        raise BadRequest(f"'{where or 'body'}' must be a JSON object (a migration plan)")
    check_fields(body, PLAN_FIELDS, "MigrationPlanDto", where)
    if body.get("variables"):
        raise BadRequest("setting variables while migrating is not supported: 'variables'")
    source = text(body, "sourceProcessDefinitionId", required=True, where=where)
    target = text(body, "targetProcessDefinitionId", required=True, where=where)
    raw = body.get("instructions") or []
    if not isinstance(raw, list):
        raise BadRequest(f"'{where + '.' if where else ''}instructions' must be a list")
    instructions = []
    for n, item in enumerate(raw):
        at = f"{where + '.' if where else ''}instructions[{n}]"
        if not isinstance(item, dict):
            raise BadRequest(f"'{at}' must be a JSON object")
        check_fields(item, INSTRUCTION_FIELDS, "MigrationInstructionDto", at)
        instructions.append(migration.Instruction(
            _one_id(item, "sourceActivityIds", at), _one_id(item, "targetActivityIds", at),
            boolean(item, "updateEventTrigger", default=False, where=at)))
    return migration.Plan(str(source), str(target), instructions)


def _query(body: Any) -> InstanceQuery | None:
    if body is None:
        return None
    if not isinstance(body, dict):
        raise BadRequest("'processInstanceQuery' must be a JSON object")
    params = Params(body, QUERY_FIELDS)
    suspended, active = params.flag("suspended"), params.flag("active")
    return InstanceQuery(
        suspended=True if suspended and not active else (False if active and not suspended else None),
        ids=params.texts("processInstanceIds"), business_key=params.text("businessKey"),
        business_key_like=params.text("businessKeyLike"), definition_id=params.text("processDefinitionId"),
        definition_key=params.text("processDefinitionKey"),
        definition_keys=params.texts("processDefinitionKeyIn"), status="active")


@bp.post("/migration/generate")
def generate_plan():
    body = json_body()
    check_fields(body, {"sourceProcessDefinitionId", "targetProcessDefinitionId", "updateEventTriggers",
                        "variables"}, "MigrationPlanGenerationDto")
    if body.get("variables"):
        raise BadRequest("setting variables while migrating is not supported: 'variables'")
    plan = migration.generate(
        context(), actor=actor(),
        source_id=str(text(body, "sourceProcessDefinitionId", required=True)),
        target_id=str(text(body, "targetProcessDefinitionId", required=True)),
        update_event_triggers=boolean(body, "updateEventTriggers", default=False))
    return jsonify(plan_dto(plan))


@bp.post("/migration/validate")
def validate_plan():
    reports = migration.validate(context(), actor=actor(), plan=_plan(json_body()))
    return jsonify(instructionReports=reports, variableReports={})


@bp.post("/migration/execute")
def execute_plan():
    body = json_body()
    check_fields(body, EXECUTION_FIELDS, "MigrationExecutionDto")
    ids = body.get("processInstanceIds")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
        raise BadRequest("processInstanceIds must be a list of ids")
    migration.execute(
        context(), actor=actor(), plan=_plan(body.get("migrationPlan"), "migrationPlan"),
        instance_ids=ids or [], query=_query(body.get("processInstanceQuery")),
        skip_custom_listeners=boolean(body, "skipCustomListeners", default=False),
        skip_io_mappings=boolean(body, "skipIoMappings", default=False))
    return Response(status=204)
