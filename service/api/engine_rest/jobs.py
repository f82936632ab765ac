"""Jobs in Camunda 7.21's shapes: `GET /job[/count]`, `GET /job/{id}` (service/engine/job_list.py),
`POST /job/{id}/execute` (service/engine/jobs.execute_job).

A job here is a timer an instance waits on, or the product's own deferred work (reminders, outbox
mail); the `jobDefinitionId` is the job's kind. Retries are set with `PUT /job/{id}/retries`
(incidents.py).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import job_list, jobs
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import format_date, query_params

QUERY = {
    "jobId",
    "jobIds",
    "processInstanceId",
    "processInstanceIds",
    "processDefinitionId",
    "processDefinitionKey",
    "activityId",
    "withRetriesLeft",
    "noRetriesLeft",
    "executable",
    "timers",
    "withException",
    "active",
    "suspended",
    "messages",
    "tenantIdIn",
    "withoutTenantId",
}
SORTS = {"jobId", "jobDueDate", "jobRetries", "processInstanceId"}


def job_dto(row: job_list.JobRow) -> dict[str, Any]:
    job = row.job
    return {
        "id": job.id,
        "jobDefinitionId": job.kind,
        "processInstanceId": job.instance_id,
        "processDefinitionId": row.definition_id,
        "processDefinitionKey": row.definition_key,
        "executionId": job.instance_id,
        "exceptionMessage": row.exception_message,
        "failedActivityId": job.element_id if job.last_error else None,
        "retries": job.retries,
        "dueDate": format_date(job.due_at),
        "suspended": row.suspended,
        "priority": 0,
        "tenantId": None,
        "createTime": format_date(job.created_at),
        "batchId": None,
    }


def _filters(params) -> job_list.JobFilters:
    if params.texts("tenantIdIn") or params.flag("withoutTenantId"):
        raise BadRequest("tenants are not supported: tenantIdIn/withoutTenantId")
    if params.flag("messages"):
        raise BadRequest(
            "messages: asynchronous continuations are not supported; every job is a timer or "
            "the product's own deferred work"
        )
    one = params.text("jobId")
    instance = params.text("processInstanceId")
    return job_list.JobFilters(
        ids=([one] if one else []) + params.texts("jobIds"),
        instance_ids=([instance] if instance else []) + params.texts("processInstanceIds"),
        definition_id=params.text("processDefinitionId"),
        definition_key=params.text("processDefinitionKey"),
        activity_id=params.text("activityId"),
        with_retries_left=params.flag("withRetriesLeft"),
        no_retries_left=params.flag("noRetriesLeft"),
        executable=params.flag("executable"),
        timers=params.flag("timers"),
        with_exception=params.flag("withException"),
        suspended=True if params.flag("suspended") else (False if params.flag("active") else None),
    )


def _list(with_body: bool):
    params = query_params(QUERY, with_body=with_body)
    first, limit = params.paging()
    sort_by, desc = params.sorting(SORTS, "jobDueDate")
    rows = job_list.list_jobs(
        context(),
        actor=actor(),
        filters=_filters(params),
        first=first,
        limit=limit,
        sort=sort_by,
        descending=desc,
    )
    return jsonify([job_dto(r) for r in rows])


@bp.get("/job")
def job_list_get():
    return _list(False)


@bp.post("/job")
def job_list_post():
    return _list(True)


@bp.get("/job/count")
def job_count_get():
    return jsonify(count=job_list.count_jobs(context(), actor=actor(), filters=_filters(query_params(QUERY))))


@bp.post("/job/count")
def job_count_post():
    params = query_params(QUERY, with_body=True)
    return jsonify(count=job_list.count_jobs(context(), actor=actor(), filters=_filters(params)))


@bp.get("/job/<job_id>")
def job_get(job_id: str):
    return jsonify(job_dto(job_list.get_job(context(), actor=actor(), job_id=job_id)))


@bp.post("/job/<job_id>/execute")
def job_execute(job_id: str):
    """Run the job now (Camunda 7.21: 204; 404 unknown or not visible; 500 when the job fails, its
    failure recorded as the scheduler's would be: service/engine/jobs.execute_job)."""
    jobs.execute_job(context(), actor=actor(), job_id=job_id)
    return "", 204
