"""External tasks in Camunda 7.21's REST shapes: fetchAndLock (with long polling), complete, failure,
bpmnError, extendLock, lock, unlock, retries, and the queries (service/engine/external_tasks.py has the
rules: who may, lock expiry, worker checks, incidents).

Long polling (`asyncResponseTimeout`) is held in the request's thread, bounded: at most
`LONG_POLL_WAITERS` requests wait at once (further ones answer at once, possibly empty, which every
Camunda client treats as "poll again"), each at most `MAX_ASYNC_RESPONSE_TIMEOUT_MS`. A waiting request
wakes when this process commits new external tasks, and otherwise re-checks every `POLL_INTERVAL`
seconds (tasks of other processes, expired locks). Camunda's own implementation parks the request
without a thread (Servlet async); WSGI offers no such thing, hence the bound.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from flask import Response, current_app, jsonify, request

from ...config import web_processes
from ...engine import external_tasks as use_cases
from ...engine.store import external_tasks as store
from ...engine.store.external_task_models import ExternalTask
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import INT64_MAX, format_date, json_body, query_params
from .parking import PARK, Parked
from .strict import boolean, check_fields, integer, text
from .variables import from_typed_map, to_typed_map

MAX_ASYNC_RESPONSE_TIMEOUT_MS = 1_800_000  # Camunda's documented maximum (30 minutes)
LONG_POLL_SECONDS = float(os.environ.get("CONSORTIUM_LONG_POLL_SECONDS", "30"))  # held at most this long
LONG_POLL_WAITERS_LIMIT = int(os.environ.get("CONSORTIUM_LONG_POLL_WAITERS") or web_processes()[1] // 2)
"""By default half the worker's threads (2 of SQLite's 4; gunicorn.conf.py sets it from the threads the
worker really has): waiting polls never hold them all; 0 (one thread) answers every poll at once."""
LONG_POLL_WAITERS = threading.BoundedSemaphore(LONG_POLL_WAITERS_LIMIT)
POLL_INTERVAL = 1.0
INT32_MAX = 2**31 - 1  # maxTasks is an int32 in Camunda's document

FETCH_FIELDS = {"workerId", "maxTasks", "usePriority", "asyncResponseTimeout", "topics", "sorting"}
TOPIC_FIELDS = {
    "topicName",
    "lockDuration",
    "variables",
    "localVariables",
    "businessKey",
    "processDefinitionId",
    "processDefinitionIdIn",
    "processDefinitionKey",
    "processDefinitionKeyIn",
    "processDefinitionVersionTag",
    "withoutTenantId",
    "tenantIdIn",
    "processVariables",
    "deserializeValues",
    "includeExtensionProperties",
}
QUERY = {
    "externalTaskId",
    "externalTaskIdIn",
    "topicName",
    "workerId",
    "locked",
    "notLocked",
    "withRetriesLeft",
    "noRetriesLeft",
    "activityId",
    "activityIdIn",
    "processInstanceId",
    "processInstanceIdIn",
    "processDefinitionId",
    "active",
    "suspended",
    "priorityHigherThanOrEquals",
    "priorityLowerThanOrEquals",
    "lockExpirationAfter",
    "lockExpirationBefore",
    "executionId",
    "withoutTenantId",
    "tenantIdIn",
}
SORTS = {
    "id",
    "lockExpirationTime",
    "processInstanceId",
    "processDefinitionId",
    "processDefinitionKey",
    "taskPriority",
    "createTime",
}


def task_dto(task: ExternalTask, suspended: bool) -> dict[str, Any]:
    """Camunda's ExternalTaskDto."""
    return {
        "activityId": task.element_id,
        "activityInstanceId": f"{task.element_id}:{task.id}",
        "errorMessage": task.error_message,
        "executionId": task.id,
        "id": task.id,
        "lockExpirationTime": format_date(task.lock_expires_at),
        "createTime": format_date(task.created_at),
        "processDefinitionId": task.definition_id,
        "processDefinitionKey": task.definition_key,
        "processDefinitionVersionTag": None,
        "processInstanceId": task.instance_id,
        "tenantId": None,
        "retries": task.retries,
        "suspended": suspended,
        "workerId": task.worker_id,
        "priority": task.priority,
        "topicName": task.topic,
        "businessKey": task.business_key,
    }


def locked_dto(locked: use_cases.Locked) -> dict[str, Any]:
    """Camunda's LockedExternalTaskDto."""
    body = task_dto(locked.task, locked.suspended)
    body.update(
        errorMessage=locked.error_message,
        errorDetails=locked.error_details,
        variables=to_typed_map(locked.variables),
        extensionProperties={},
    )
    return body


# --- fetch and lock -------------------------------------------------------------------------------------


@bp.post("/external-task/fetchAndLock")
def external_task_fetch_and_lock():
    body = json_body()
    check_fields(body, FETCH_FIELDS, "FetchExternalTasksDto")
    worker_id = text(body, "workerId", required=True)
    # Mandatory, no default: Camunda 7.21's REST reference and OpenAPI document (FetchExternalTasksDto
    # `required: [workerId, maxTasks]`, int32). Camunda's Java DTO would silently read a missing value as
    # 0 and lock nothing; a worker that forgot it is told so instead.
    max_tasks = integer(body, "maxTasks", required=True, minimum=0, maximum=INT32_MAX)
    use_priority = boolean(body, "usePriority", default=False)
    timeout_ms = integer(
        body, "asyncResponseTimeout", default=0, minimum=0, maximum=MAX_ASYNC_RESPONSE_TIMEOUT_MS
    )
    topics = [_topic(t, i) for i, t in enumerate(_list(body, "topics"))]
    newest_first = _sorting(body.get("sorting"))
    ctx, who = context(), actor()

    def attempt() -> list[use_cases.Locked]:
        return use_cases.fetch_and_lock(
            ctx,
            actor=who,
            worker_id=worker_id,
            max_tasks=max_tasks,
            use_priority=use_priority,
            topics=topics,
            newest_first=newest_first,
        )

    found = attempt()
    if found or not timeout_ms or not topics or max_tasks == 0:
        return jsonify([locked_dto(t) for t in found])
    seconds = min(timeout_ms / 1000, LONG_POLL_SECONDS)
    park = request.environ.get(PARK)
    if park is not None:  # the ASGI server holds the wait as a coroutine (parking.py)
        dumps = current_app.json.dumps

        def again() -> bytes | None:
            locked = attempt()
            return dumps([locked_dto(t) for t in locked]).encode() if locked else None

        park(
            Parked(
                attempt=again,
                probe=lambda names: use_cases.fetchable_topics(ctx, names),
                topics=frozenset(t.topic for t in topics),
                seconds=seconds,
            )
        )
        return jsonify([])  # sent only if the wait ends empty
    if not request.environ.get("wsgi.multithread", False):
        return jsonify([])  # a single-threaded worker would serve nobody else meanwhile: no wait
    if not LONG_POLL_WAITERS.acquire(blocking=False):
        return jsonify([])  # bounded: too many clients already wait; the client polls again
    try:
        deadline = time.monotonic() + seconds
        while not found and (left := deadline - time.monotonic()) > 0:
            use_cases.wait_for_tasks(min(left, POLL_INTERVAL))
            found = attempt()
    finally:
        LONG_POLL_WAITERS.release()
    return jsonify([locked_dto(t) for t in found])


def _sorting(raw: Any) -> bool:
    """fetchAndLock's `sorting` (Camunda 7.21): only by createTime; True for newest first."""
    if raw is None or raw == []:
        return False
    if not isinstance(raw, list) or len(raw) > 1 or not isinstance(raw[0], dict):
        raise BadRequest("sorting must be a list of one {sortBy: createTime, sortOrder} object")
    check_fields(raw[0], {"sortBy", "sortOrder"}, "SortingDto", "sorting[0]")
    if raw[0].get("sortBy") != "createTime" or raw[0].get("sortOrder") not in ("asc", "desc"):
        raise BadRequest("sorting[0]: sortBy must be createTime and sortOrder asc or desc")
    return raw[0]["sortOrder"] == "desc"


def _topic(raw: Any, index: int) -> use_cases.TopicRequest:
    where = f"topics[{index}]"
    if not isinstance(raw, dict):
        raise BadRequest(f"'{where}' must be an object with topicName and lockDuration")
    check_fields(raw, TOPIC_FIELDS, "FetchExternalTaskTopicDto", where)
    if raw.get("tenantIdIn") or boolean(raw, "withoutTenantId", default=False, where=where):
        raise BadRequest("tenants are not supported: tenantIdIn/withoutTenantId")
    if raw.get("processDefinitionVersionTag") is not None:
        raise BadRequest(f"{where}.processDefinitionVersionTag: version tags are not supported")
    variables = raw.get("variables")
    if variables is not None and (
        not isinstance(variables, list) or not all(isinstance(v, str) for v in variables)
    ):
        raise BadRequest(f"{where}.variables must be a list of variable names")
    boolean(raw, "deserializeValues", default=False, where=where)
    boolean(raw, "includeExtensionProperties", default=False, where=where)
    process_variables = raw.get("processVariables") or {}
    if not isinstance(process_variables, dict):
        raise BadRequest(f"{where}.processVariables must be an object of variable values")
    keys = [text(raw, "processDefinitionKey", where=where)] if raw.get("processDefinitionKey") else []
    ids = [text(raw, "processDefinitionId", where=where)] if raw.get("processDefinitionId") else []
    return use_cases.TopicRequest(
        topic=text(raw, "topicName", required=True, where=where),
        lock_duration_ms=integer(
            raw, "lockDuration", required=True, minimum=1, maximum=INT64_MAX, where=where
        ),
        variables=variables,
        local_variables=boolean(raw, "localVariables", default=False, where=where),
        business_key=text(raw, "businessKey", where=where),
        definition_ids=ids + _strings(raw, "processDefinitionIdIn", where),
        definition_keys=keys + _strings(raw, "processDefinitionKeyIn", where),
        process_variables=process_variables,
    )


def _list(body: dict, name: str) -> list:
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest(f"'{name}' must be a list")
    return value


def _strings(body: dict, name: str, where: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(f"{where}.{name} must be a list of strings")
    return value


# --- a worker's reports ---------------------------------------------------------------------------------


@bp.post("/external-task/<task_id>/complete")
def external_task_complete(task_id: str):
    body = json_body()
    check_fields(body, {"workerId", "variables", "localVariables"}, "CompleteExternalTaskDto")
    use_cases.complete(
        context(),
        actor=actor(),
        task_id=task_id,
        worker_id=text(body, "workerId", required=True),
        variables=from_typed_map(body.get("variables")),
        local_variables=from_typed_map(body.get("localVariables"), "localVariables"),
    )
    return "", 204


@bp.post("/external-task/<task_id>/failure")
def external_task_failure(task_id: str):
    body = json_body()
    check_fields(
        body,
        {
            "workerId",
            "errorMessage",
            "errorDetails",
            "retries",
            "retryTimeout",
            "variables",
            "localVariables",
        },
        "ExternalTaskFailureDto",
    )
    if body.get("variables") or body.get("localVariables"):
        from_typed_map(body.get("variables"))
        from_typed_map(body.get("localVariables"), "localVariables")
        raise BadRequest("variables on failure are not supported (they would be set without moving on)")
    use_cases.failure(
        context(),
        actor=actor(),
        task_id=task_id,
        worker_id=text(body, "workerId", required=True),
        message=text(body, "errorMessage"),
        details=text(body, "errorDetails"),
        retries=integer(body, "retries", default=0, minimum=0, maximum=2**31 - 1),
        retry_timeout_ms=integer(body, "retryTimeout", default=0, minimum=0, maximum=INT64_MAX),
    )
    return "", 204


@bp.post("/external-task/<task_id>/bpmnError")
def external_task_bpmn_error(task_id: str):
    body = json_body()
    check_fields(body, {"workerId", "errorCode", "errorMessage", "variables"}, "ExternalTaskBpmnError")
    use_cases.bpmn_error(
        context(),
        actor=actor(),
        task_id=task_id,
        worker_id=text(body, "workerId", required=True),
        code=text(body, "errorCode", required=True),
        message=text(body, "errorMessage"),
        variables=from_typed_map(body.get("variables")),
    )
    return "", 204


@bp.post("/external-task/<task_id>/extendLock")
def external_task_extend_lock(task_id: str):
    body = json_body()
    check_fields(body, {"workerId", "newDuration"}, "ExtendLockOnExternalTaskDto")
    use_cases.extend_lock(
        context(),
        actor=actor(),
        task_id=task_id,
        worker_id=text(body, "workerId", required=True),
        new_duration_ms=integer(body, "newDuration", required=True, minimum=1, maximum=INT64_MAX),
    )
    return "", 204


@bp.post("/external-task/<task_id>/lock")
def external_task_lock(task_id: str):
    body = json_body()
    check_fields(body, {"workerId", "lockDuration"}, "LockExternalTaskDto")
    use_cases.lock(
        context(),
        actor=actor(),
        task_id=task_id,
        worker_id=text(body, "workerId", required=True),
        lock_duration_ms=integer(body, "lockDuration", required=True, minimum=1, maximum=INT64_MAX),
    )
    return "", 204


@bp.post("/external-task/<task_id>/unlock")
def external_task_unlock(task_id: str):
    use_cases.unlock(context(), actor=actor(), task_id=task_id)
    return "", 204


@bp.put("/external-task/<task_id>/retries")
def external_task_set_retries(task_id: str):
    body = json_body()
    check_fields(body, {"retries"}, "RetriesDto")
    use_cases.set_retries(
        context(),
        actor=actor(),
        task_id=task_id,
        retries=integer(body, "retries", required=True, minimum=0, maximum=2**31 - 1),
    )
    return "", 204


# --- queries ----------------------------------------------------------------------------------------------


def _filters(params) -> store.Filters:
    if params.texts("tenantIdIn") or params.flag("withoutTenantId"):
        raise BadRequest("tenants are not supported: tenantIdIn/withoutTenantId")
    if params.text("executionId"):
        ids = [params.text("executionId")]  # an external task's execution id is its own id here
    else:
        ids = []
    ids += ([params.text("externalTaskId")] if params.text("externalTaskId") else []) + params.texts(
        "externalTaskIdIn"
    )
    extra = []
    after, before = params.date("lockExpirationAfter"), params.date("lockExpirationBefore")
    if after is not None:
        extra.append(ExternalTask.lock_expires_at > after)
    if before is not None:
        extra.append(ExternalTask.lock_expires_at < before)
    suspended = True if params.flag("suspended") else (False if params.flag("active") else None)
    return store.Filters(
        ids=ids,
        topic=params.text("topicName"),
        worker_id=params.text("workerId"),
        locked=params.flag("locked"),
        not_locked=params.flag("notLocked"),
        with_retries_left=params.flag("withRetriesLeft"),
        no_retries_left=params.flag("noRetriesLeft"),
        instance_ids=([params.text("processInstanceId")] if params.text("processInstanceId") else [])
        + params.texts("processInstanceIdIn"),
        definition_id=params.text("processDefinitionId"),
        activity_ids=([params.text("activityId")] if params.text("activityId") else [])
        + params.texts("activityIdIn"),
        priority_min=params.integer("priorityHigherThanOrEquals", minimum=-INT64_MAX),
        priority_max=params.integer("priorityLowerThanOrEquals", minimum=-INT64_MAX),
        suspended=suspended,
        extra=extra,
    )


def _list_tasks(with_body: bool):
    params = query_params(QUERY, with_body=with_body)
    first, limit = params.paging()
    sort_by, desc = params.sorting(SORTS, "createTime")
    rows = use_cases.list_tasks(
        context(),
        actor=actor(),
        filters=_filters(params),
        first=first,
        limit=limit,
        sort=sort_by,
        descending=desc,
    )
    return jsonify([task_dto(t, s) for t, s in rows])


@bp.get("/external-task")
def external_task_list_tasks():
    return _list_tasks(False)


@bp.post("/external-task")
def external_task_query_tasks():
    return _list_tasks(True)


@bp.get("/external-task/count")
def external_task_count_tasks():
    params = query_params(QUERY)
    return jsonify(count=use_cases.count_tasks(context(), actor=actor(), filters=_filters(params)))


@bp.post("/external-task/count")
def external_task_query_count():
    params = query_params(QUERY, with_body=True)
    return jsonify(count=use_cases.count_tasks(context(), actor=actor(), filters=_filters(params)))


@bp.get("/external-task/topic-names")
def external_task_topic_names():
    params = query_params({"withLockedTasks", "withUnlockedTasks", "withRetriesLeft"})
    return jsonify(
        use_cases.topic_names(
            context(),
            actor=actor(),
            locked=params.flag("withLockedTasks"),
            unlocked=params.flag("withUnlockedTasks"),
            retries_left=params.flag("withRetriesLeft"),
        )
    )


@bp.get("/external-task/<task_id>/errorDetails")
def external_task_error_details(task_id: str):
    """The full error details of the task's last failure, as text/plain (empty if none)."""
    task, _ = use_cases.get_task(context(), actor=actor(), task_id=task_id)
    return Response(task.error_details or "", mimetype="text/plain")


@bp.get("/external-task/<task_id>")
def external_task_get_task(task_id: str):
    task, suspended = use_cases.get_task(context(), actor=actor(), task_id=task_id)
    return jsonify(task_dto(task, suspended))
