"""Incidents and job retries, in Camunda 7's shapes: a job that ran out of retries is listed here, and an
administrator gives it new retries (`PUT /job/{id}/retries`), which resolves the incident.

The incident's `configuration` is the failed job's id, as Camunda's `failedJob` incidents have it.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import jobs
from ...engine.store.deadline_models import Incident
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import format_date, json_body, parse_date, query_params

FILTERS = {
    "incidentId": "incident_id",
    "processInstanceId": "instance_id",
    "configuration": "job_id",
    "activityId": "element_id",
    "failedActivityId": "failed_element_id",
    "incidentType": "incident_type",
}


def incident_dto(row: Incident) -> dict[str, Any]:
    return {
        "id": row.id,
        "processDefinitionId": row.definition_id,
        "processInstanceId": row.instance_id,
        "executionId": row.instance_id,
        "incidentTimestamp": format_date(row.created_at),
        "incidentType": row.incident_type,
        "activityId": row.element_id,
        "failedActivityId": row.failed_element_id or row.element_id,
        "causeIncidentId": row.id,
        "rootCauseIncidentId": row.id,
        "configuration": row.job_id or row.external_task_id,
        "tenantId": None,
        "incidentMessage": row.message,
        "jobDefinitionId": None,
        "annotation": None,
    }


def _filters(params) -> dict[str, Any]:
    return {field: params.text(name) for name, field in FILTERS.items() if params.text(name)}


@bp.get("/incident")
def list_incidents():
    params = query_params(FILTERS)
    first, limit = params.paging()
    rows = jobs.list_incidents(context(), actor=actor(), first=first, limit=limit, **_filters(params))
    return jsonify([incident_dto(r) for r in rows])


@bp.get("/incident/count")
def count_incidents():
    params = query_params(FILTERS)
    rows = jobs.list_incidents(context(), actor=actor(), limit=None, **_filters(params))
    return jsonify(count=len(rows))


@bp.put("/job/<job_id>/retries")
def set_job_retries(job_id: str):
    body = json_body()
    retries = body.get("retries")
    if isinstance(retries, bool) or not isinstance(retries, int):
        raise BadRequest("retries 须为整数 / 'retries' must be an integer")
    due = body.get("dueDate")
    if due is not None and not isinstance(due, str):
        raise BadRequest("dueDate 须为日期字符串 / 'dueDate' must be a date string")
    due_at = parse_date(due, "dueDate") if due else None
    jobs.retry_job(context(), job_id=job_id, retries=retries, actor=actor(), due_at=due_at)
    return "", 204
