"""`GET /history/incident[/count]` and `GET /history/job-log[/count]` in Camunda 7.21's shapes, from the
audit trail (service/engine/job_history.py says what is recorded and what is approximated).

Filters are applied to the scoped history in memory (at most job_history.SCAN_LIMIT audit events per
request); tenant parameters answer 400 as everywhere (tenants are not supported).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import jsonify

from ...engine import job_history
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import Params, format_date, query_params

INCIDENT_QUERY = {
    "incidentId", "incidentType", "incidentMessage", "incidentMessageLike", "processDefinitionId",
    "processDefinitionKey", "processInstanceId", "executionId", "activityId", "failedActivityId",
    "causeIncidentId", "rootCauseIncidentId", "configuration", "open", "resolved", "deleted",
    "createTimeBefore", "createTimeAfter", "endTimeBefore", "endTimeAfter", "tenantIdIn", "withoutTenantId",
}
INCIDENT_SORTS = {
    "incidentId", "incidentMessage", "createTime", "endTime", "incidentType", "executionId", "activityId",
    "processInstanceId", "processDefinitionId", "processDefinitionKey", "causeIncidentId",
    "rootCauseIncidentId", "configuration",
}
JOB_LOG_QUERY = {
    "logId", "jobId", "jobExceptionMessage", "jobDefinitionId", "jobDefinitionType", "activityIdIn",
    "failedActivityIdIn", "executionIdIn", "processInstanceId", "processDefinitionId",
    "processDefinitionKey", "creationLog", "failureLog", "successLog", "deletionLog", "tenantIdIn",
    "withoutTenantId",
}
JOB_LOG_SORTS = {
    "timestamp", "jobId", "jobDefinitionId", "jobDueDate", "jobRetries", "activityId", "executionId",
    "processInstanceId", "processDefinitionId", "processDefinitionKey", "occurrence",
}


def _no_tenants(params: Params) -> None:
    if params.texts("tenantIdIn") or params.flag("withoutTenantId"):
        raise BadRequest("tenants are not supported: tenantIdIn/withoutTenantId")


def incident_dto(incident: job_history.HistoricIncident) -> dict[str, Any]:
    event = incident.created.event
    return {
        "id": incident.id,
        "processDefinitionKey": incident.created.definition_key,
        "processDefinitionId": incident.created.definition_id,
        "processInstanceId": event.instance_id,
        "executionId": event.instance_id,
        "rootProcessInstanceId": event.instance_id,
        "createTime": format_date(event.at),
        "endTime": format_date(incident.end_time),
        "removalTime": None,
        "incidentType": incident.incident_type,
        "activityId": event.element_id,
        "failedActivityId": incident.failed_activity_id,
        "causeIncidentId": incident.id,
        "rootCauseIncidentId": incident.id,
        "configuration": incident.job_id or incident.external_task_id,
        "historyConfiguration": None,
        "incidentMessage": incident.message,
        "tenantId": None,
        "jobDefinitionId": incident.created.detail.get("kind") if incident.job_id else None,
        "open": incident.state == "open",
        "deleted": incident.state == "deleted",
        "resolved": incident.state == "resolved",
        "annotation": None,
    }


def job_log_dto(entry: job_history.JobLogEntry) -> dict[str, Any]:
    event, detail = entry.source.event, entry.detail
    failure = not entry.success
    return {
        "id": str(event.id),
        "timestamp": format_date(event.at),
        "removalTime": None,
        "jobId": entry.job_id,
        "jobDueDate": detail.get("due") and format_date(_date(detail["due"])),
        "jobRetries": detail.get("retriesLeft") if failure else None,
        "jobPriority": 0,
        "jobExceptionMessage": entry.error if failure else None,
        "failedActivityId": event.element_id if failure else None,
        "jobDefinitionId": detail.get("kind") or ("timer" if event.action == "timer.fired" else "async"),
        "jobDefinitionType": detail.get("kind") or ("timer" if event.action == "timer.fired" else "async"),
        "jobDefinitionConfiguration": None,
        "activityId": event.element_id,
        "executionId": event.instance_id,
        "processInstanceId": event.instance_id,
        "processDefinitionId": entry.source.definition_id,
        "processDefinitionKey": entry.source.definition_key,
        "deploymentId": None,
        "rootProcessInstanceId": event.instance_id,
        "tenantId": None,
        "hostname": detail.get("scheduler"),
        "creationLog": False,
        "failureLog": failure,
        "successLog": entry.success,
        "deletionLog": False,
    }


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _matches(dto: dict[str, Any], params: Params, exact: dict[str, str], within: dict[str, str],
             flags: dict[str, Callable[[dict[str, Any]], bool]]) -> bool:
    for param, field in exact.items():
        wanted = params.text(param)
        if wanted is not None and dto.get(field) != wanted:
            return False
    for param, field in within.items():
        wanted = params.texts(param)
        if wanted and dto.get(field) not in wanted:
            return False
    return all(test(dto) for name, test in flags.items() if params.flag(name))


def _incidents(params: Params) -> list[dict[str, Any]]:
    _no_tenants(params)
    rows = job_history.incidents(context(), actor=actor(), instance_id=params.text("processInstanceId"))
    exact = {
        "incidentId": "id", "incidentType": "incidentType", "incidentMessage": "incidentMessage",
        "processDefinitionId": "processDefinitionId", "processDefinitionKey": "processDefinitionKey",
        "executionId": "executionId", "activityId": "activityId", "failedActivityId": "failedActivityId",
        "causeIncidentId": "causeIncidentId", "rootCauseIncidentId": "rootCauseIncidentId",
        "configuration": "configuration",
    }
    flags = {
        "open": lambda d: d["open"],
        "resolved": lambda d: d["resolved"],
        "deleted": lambda d: d["deleted"],
    }
    like = params.text("incidentMessageLike")
    names = ("createTimeBefore", "createTimeAfter", "endTimeBefore", "endTimeAfter")
    bounds = [(params.date(n), n) for n in names]
    out = []
    for incident in rows:
        dto = incident_dto(incident)
        if not _matches(dto, params, exact, {}, flags):
            continue
        if like and like.replace("%", "") not in (dto["incidentMessage"] or ""):
            continue
        created, ended = incident.created.event.at, incident.end_time
        if any(
            moment is not None
            and not (
                (name == "createTimeBefore" and created < moment)
                or (name == "createTimeAfter" and created > moment)
                or (name == "endTimeBefore" and ended is not None and ended < moment)
                or (name == "endTimeAfter" and ended is not None and ended > moment)
            )
            for moment, name in bounds
        ):
            continue
        out.append(dto)
    return out


def _job_log(params: Params) -> list[dict[str, Any]]:
    _no_tenants(params)
    rows = job_history.job_log(context(), actor=actor(), instance_id=params.text("processInstanceId"))
    exact = {
        "logId": "id", "jobId": "jobId", "jobExceptionMessage": "jobExceptionMessage",
        "jobDefinitionId": "jobDefinitionId", "jobDefinitionType": "jobDefinitionType",
        "processDefinitionId": "processDefinitionId", "processDefinitionKey": "processDefinitionKey",
    }
    within = {
        "activityIdIn": "activityId",
        "failedActivityIdIn": "failedActivityId",
        "executionIdIn": "executionId",
    }
    flags = {
        "creationLog": lambda d: d["creationLog"], "failureLog": lambda d: d["failureLog"],
        "successLog": lambda d: d["successLog"], "deletionLog": lambda d: d["deletionLog"],
    }
    return [dto for dto in map(job_log_dto, rows) if _matches(dto, params, exact, within, flags)]


def _page(items: list[dict[str, Any]], params: Params, sorts: set[str], default: str) -> list[dict[str, Any]]:
    first, limit = params.paging()
    sort_by, desc = params.sorting(sorts, default)
    field = {"incidentId": "id", "occurrence": "id"}.get(sort_by, sort_by)
    if sort_by != default or desc:
        order = {id(d): i for i, d in enumerate(items)}  # ties keep the trail's order (reversed if desc)
        items = sorted(
            items, key=lambda d: (d.get(field) is None, str(d.get(field) or ""), order[id(d)]), reverse=desc
        )
    return items[first : first + limit]


@bp.get("/history/incident")
def history_incident_list():
    params = query_params(INCIDENT_QUERY)
    return jsonify(_page(_incidents(params), params, INCIDENT_SORTS, "createTime"))


@bp.get("/history/incident/count")
def history_incident_count():
    return jsonify(count=len(_incidents(query_params(INCIDENT_QUERY))))


@bp.get("/history/job-log")
def history_job_log_list():
    params = query_params(JOB_LOG_QUERY)
    return jsonify(_page(_job_log(params), params, JOB_LOG_SORTS, "timestamp"))


@bp.get("/history/job-log/count")
def history_job_log_count():
    return jsonify(count=len(_job_log(query_params(JOB_LOG_QUERY))))
