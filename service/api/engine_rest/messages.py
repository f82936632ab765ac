"""`POST /engine-rest/message`: correlate a message as Camunda 7 does (issue 12 fault 10).

Camunda 7.21 REST reference, "Correlate a Message": the body is a CorrelationMessageDto; with
`resultEnabled` the answer is 200 and a list of MessageCorrelationResultWithVariableDto
(`resultType` "Execution" with `execution`, or "ProcessDefinition" with the new `processInstance`;
`variables` with `variablesInResultEnabled`), else 204; 400 when nothing or more than one thing
matches and `all` is false (the rules are in service/engine/messages.py). Tenants are refused as
everywhere (one bureau, one tenant); `localCorrelationKeys` and `processVariablesLocal` are refused
because variables local to the waiting element are not kept apart from the instance's here.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import messages
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .instances import instance_dto
from .params import json_body
from .strict import boolean, check_fields, text
from .variables import from_typed_map, to_typed

FIELDS = {
    "messageName", "businessKey", "tenantId", "withoutTenantId", "processInstanceId", "correlationKeys",
    "localCorrelationKeys", "processVariables", "processVariablesLocal", "all", "resultEnabled",
    "variablesInResultEnabled",
}
REFUSED = {
    "tenantId": "tenants are not supported",
    "withoutTenantId": "tenants are not supported",
    "localCorrelationKeys": "variables local to the waiting element are not kept apart here; use "
                            "correlationKeys",
    "processVariablesLocal": "variables local to the waiting element are not kept apart here; use "
                             "processVariables",
}


@bp.post("/message")
def correlate_message():
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (CorrelationMessageDto)")
    check_fields(body, FIELDS, "CorrelationMessageDto")
    for name, reason in REFUSED.items():
        if body.get(name) not in (None, {}, False):
            raise BadRequest(f"'{name}' 不支持 / is not supported: {reason}")
    name = text(body, "messageName", required=True)
    results = messages.correlate(
        context(),
        actor=actor(),
        message_name=name or "",
        business_key=text(body, "businessKey"),
        process_instance_id=text(body, "processInstanceId"),
        correlation_keys=from_typed_map(body.get("correlationKeys"), "correlationKeys"),
        process_variables=from_typed_map(body.get("processVariables"), "processVariables"),
        all_=boolean(body, "all", default=False),
        with_variables=boolean(body, "variablesInResultEnabled", default=False),
    )
    if not boolean(body, "resultEnabled", default=False):
        return "", 204
    return jsonify([_result(r) for r in results])


def _result(result: messages.Correlation) -> dict[str, Any]:
    row = result.instance
    out: dict[str, Any] = {"resultType": result.result_type, "execution": None, "processInstance": None}
    if result.result_type == "Execution":
        out["execution"] = {"id": result.execution_id, "processInstanceId": row.id,
                            "ended": row.status == "completed", "tenantId": None}
    else:
        out["processInstance"] = instance_dto(row)
    if result.variables is not None:
        out["variables"] = {name: to_typed(value, result.variable_types.get(name))
                            for name, value in result.variables.items()}
    return out
