"""Validate our responses against Camunda's OpenAPI response schemas (OpenAPI 3.0 -> JSON Schema).

Three adjustments, all to Camunda's document rather than to what Camunda sends:
- OpenAPI 3.0 `nullable: true` becomes a JSON-Schema null alternative (jsonschema does not read it);
- VariableValueDto.value is declared `type: object` but Camunda itself sends strings, numbers and booleans
  there (`{"value": "x", "type": "String"}`), so its type is left open;
- a message correlation result's `execution` / `processInstance` is null when the message reached the
  other kind (Camunda's own examples of `POST /message`).
`GET /history/task`, `/history/user-operation`, `/history/variable-instance`, `/history/incident`,
`/history/job-log` and `/history/detail` are missing from Camunda's document; their schemas are written
here from the REST reference (docs.camunda.org, "Get Tasks (Historic)", "Get User Operation Log
(Historic)", "Get Variable Instances (Historic)", "Get Incidents (Historic)", "Get Job Logs", "Get
Historic Details").
"""

from __future__ import annotations

import copy
import re
from typing import Any

import jsonschema
import requests

NULL = {"type": "null"}
_S = {"type": "string", "nullable": True}
_I = {"type": "integer", "nullable": True}
HISTORIC_TASK = {
    "type": "object",
    "properties": {
        **{
            name: _S
            for name in (
                "id processDefinitionKey processDefinitionId processInstanceId executionId "
                "caseDefinitionKey caseDefinitionId caseInstanceId caseExecutionId activityInstanceId name "
                "description deleteReason owner assignee startTime endTime taskDefinitionKey due "
                "parentTaskId followUp tenantId removalTime rootProcessInstanceId taskState"
            ).split()
        },
        "duration": _I,
        "priority": _I,
    },
}
USER_OPERATION = {  # docs.camunda.org REST reference, "Get User Operation Log (Historic)" (issue 16)
    "type": "object",
    "properties": {
        name: _S
        for name in (
            "id deploymentId processDefinitionId processDefinitionKey processInstanceId executionId "
            "caseDefinitionId caseInstanceId caseExecutionId taskId externalTaskId batchId jobId "
            "jobDefinitionId userId timestamp operationId operationType entityType category annotation "
            "property orgValue newValue removalTime rootProcessInstanceId"
        ).split()
    },
}
HISTORIC_VARIABLE = {  # docs.camunda.org REST reference, "Get Variable Instances (Historic)" (issue 16)
    "type": "object",
    "properties": {
        **{
            name: _S
            for name in (
                "id name type processDefinitionKey processDefinitionId processInstanceId executionId "
                "activityInstanceId caseDefinitionKey caseDefinitionId caseInstanceId caseExecutionId taskId "
                "tenantId errorMessage state createTime removalTime rootProcessInstanceId"
            ).split()
        },
        "value": {},
        "valueInfo": {"type": "object"},
    },
}
_B = {"type": "boolean", "nullable": True}
HISTORIC_INCIDENT = {  # docs.camunda.org REST reference, "Get Incidents (Historic)" (issue 16)
    "type": "object",
    "properties": {
        **{
            name: _S
            for name in (
                "id processDefinitionKey processDefinitionId processInstanceId executionId "
                "rootProcessInstanceId createTime endTime removalTime incidentType activityId "
                "failedActivityId causeIncidentId rootCauseIncidentId configuration historyConfiguration "
                "incidentMessage tenantId jobDefinitionId annotation"
            ).split()
        },
        "open": _B,
        "deleted": _B,
        "resolved": _B,
    },
}
HISTORIC_JOB_LOG = {  # docs.camunda.org REST reference, "Get Job Logs" (historic, issue 16)
    "type": "object",
    "properties": {
        **{
            name: _S
            for name in (
                "id timestamp removalTime jobId jobDueDate jobExceptionMessage failedActivityId "
                "jobDefinitionId jobDefinitionType jobDefinitionConfiguration activityId executionId "
                "processInstanceId processDefinitionId processDefinitionKey deploymentId "
                "rootProcessInstanceId tenantId hostname"
            ).split()
        },
        "jobRetries": _I,
        "jobPriority": _I,
        "creationLog": _B,
        "failureLog": _B,
        "successLog": _B,
        "deletionLog": _B,
    },
}
HISTORIC_DETAIL = {  # docs.camunda.org REST reference, "Get Historic Details" (issue 16)
    "type": "object",
    "properties": {
        **{
            name: _S
            for name in (
                "id type processDefinitionKey processDefinitionId processInstanceId activityInstanceId "
                "executionId caseDefinitionKey caseDefinitionId caseInstanceId caseExecutionId taskId "
                "tenantId userOperationId time removalTime rootProcessInstanceId"
            ).split()
        },
    },
    "required": ["id", "type", "processInstanceId", "time"],
    "oneOf": [
        {  # HistoricVariableUpdate
            "properties": {
                "type": {"enum": ["variableUpdate"]},
                "variableName": {"type": "string"},
                "variableInstanceId": {"type": "string"},
                "variableType": {"type": "string"},
                "value": {},
                "valueInfo": {"type": "object"},
                "initial": {"type": "boolean"},
                "revision": {"type": "integer"},
                "errorMessage": _S,
            },
            "required": ["variableName", "variableInstanceId", "variableType", "value", "valueInfo",
                         "initial", "revision", "errorMessage"],
        },
        {  # HistoricFormField
            "properties": {"type": {"enum": ["formField"]}, "fieldId": {"type": "string"}, "fieldValue": {}},
            "required": ["fieldId", "fieldValue"],
        },
    ],
}
EXTRA_PATHS = {
    ("/history/detail", "get", "200"): {"type": "array", "items": HISTORIC_DETAIL},
    ("/history/detail", "post", "200"): {"type": "array", "items": HISTORIC_DETAIL},
    ("/history/detail/count", "get", "200"): {"$ref": "#/components/schemas/CountResultDto"},
    ("/history/detail/{id}", "get", "200"): HISTORIC_DETAIL,
    ("/history/incident", "get", "200"): {"type": "array", "items": HISTORIC_INCIDENT},
    ("/history/incident/count", "get", "200"): {"$ref": "#/components/schemas/CountResultDto"},
    ("/history/job-log", "get", "200"): {"type": "array", "items": HISTORIC_JOB_LOG},
    ("/history/job-log/count", "get", "200"): {"$ref": "#/components/schemas/CountResultDto"},
    ("/history/variable-instance", "get", "200"): {"type": "array", "items": HISTORIC_VARIABLE},
    ("/history/variable-instance/count", "get", "200"): {"$ref": "#/components/schemas/CountResultDto"},
    ("/history/user-operation", "get", "200"): {"type": "array", "items": USER_OPERATION},
    ("/history/user-operation/count", "get", "200"): {"$ref": "#/components/schemas/CountResultDto"},
    ("/history/task", "get", "200"): {"type": "array", "items": HISTORIC_TASK},
    ("/history/task/count", "get", "200"): {"$ref": "#/components/schemas/CountResultDto"},
}

# Camunda itself answers a start without `withVariablesInReturn` with a plain ProcessInstanceDto.
OMITTED = {
    "/process-definition/{id}/start": {"variables"},
    "/process-definition/key/{key}/start": {"variables"},
    "/message": {"variables"},  # only with variablesInResultEnabled (the reference's example 1 omits it)
}


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema (draft 4/7 compatible)."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if k not in ("nullable", "example", "deprecated")}
    if node.get("nullable"):
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, NULL]}
    return out


class CamundaSchemas:
    def __init__(self, document: dict) -> None:
        components = to_json_schema(copy.deepcopy(document["components"]))
        value = components["schemas"]["VariableValueDto"]["properties"]["value"]
        value.pop("type", None)
        # POST /message: Camunda sends `null` for whichever of execution / processInstance the message
        # did not reach (the reference's own examples), which the document does not declare nullable.
        result = components["schemas"]["MessageCorrelationResultWithVariableDto"]["properties"]
        for name in ("execution", "processInstance"):
            result[name] = {"anyOf": [result[name], NULL]}
        self.components = components
        self.paths = document["paths"]
        self.checked: set[tuple[str, str, str]] = set()

    def response_schema(self, template: str, method: str, status: int) -> dict | None:
        key = (template, method.lower(), str(status))
        if key in EXTRA_PATHS:
            return to_json_schema(EXTRA_PATHS[key])
        operation = self.paths[template][method.lower()]
        response = operation["responses"].get(str(status))
        assert response is not None, f"Camunda documents no {status} for {method} {template}"
        content = response.get("content") or {}
        if not content:
            return None
        return to_json_schema(next(iter(content.values()))["schema"])

    def check(self, response: requests.Response, template: str) -> Any:
        """Assert `response` matches the documented schema for its status; returns the parsed body."""
        method = response.request.method
        schema = self.response_schema(template, method, response.status_code)
        self.checked.add((template, method.lower(), str(response.status_code)))
        if schema is None:
            assert response.content in (b"", b"null"), response.text
            return None
        body = response.json()
        jsonschema.validate(body, {**schema, "components": self.components}, cls=jsonschema.Draft7Validator)
        for item in body if isinstance(body, list) else [body]:
            expected = self.property_names(schema.get("items", schema) if isinstance(body, list) else schema)
            if isinstance(item, dict) and expected:
                missing = expected - set(item) - OMITTED.get(template, set())
                assert not missing, (
                    f"{method} {template}: fields missing from our response: {sorted(missing)}"
                )
        return body

    def property_names(self, schema: dict) -> set[str]:
        """Every property a DTO declares, through $ref and allOf (Camunda marks none as required)."""
        if "$ref" in schema:
            name = re.sub(r"^#/components/schemas/", "", schema["$ref"])
            return self.property_names(self.components["schemas"][name])
        names = set(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            names |= self.property_names(part)
        if schema.get("type") == "object" and "additionalProperties" in schema and not names:
            return set()
        return names
