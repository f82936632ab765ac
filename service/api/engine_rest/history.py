"""History from the audit trail: process instances, tasks and activity instances, scoped like runtime."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify

from ...engine import browse, called_instances
from ...engine.called_instances import CalledInstance
from ...engine.history import historic_activities, historic_tasks
from ...engine.store.history import HistoricActivity, HistoricTask
from ...engine.store.instance_query import InstanceQuery
from ...engine.store.models import ProcessInstance
from ...errors import NotFound
from ..auth import context
from .blueprint import actor, bp
from .params import format_date, query_params


def _millis(start: datetime | None, end: datetime | None) -> int | None:
    return int((end - start).total_seconds() * 1000) if start and end else None


def _page(rows: list, params, sorts: dict[str, Any], default: str) -> list:
    first, limit = params.paging()
    sort_by, desc = params.sorting(sorts, default)
    key = sorts[sort_by]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]  # Camunda puts nulls first ascending, last descending
    present.sort(key=key, reverse=desc)
    ordered = present + missing if desc else missing + present
    return ordered[first : first + limit]


# --- process instances ---------------------------------------------------------------------------

PI_SUPPORTED = {
    "processInstanceId",
    "processInstanceIds",
    "processDefinitionId",
    "processDefinitionKey",
    "processDefinitionKeyIn",
    "processInstanceBusinessKey",
    "processInstanceBusinessKeyLike",
    "finished",
    "unfinished",
    "startedBy",
    "startedBefore",
    "startedAfter",
    "active",
    "completed",
    "externallyTerminated",
    "superProcessInstanceId",
    "subProcessInstanceId",
}
PI_SORTS = {
    "instanceId": "instanceId",
    "definitionId": "definitionId",
    "definitionKey": "definitionKey",
    "businessKey": "businessKey",
    "startTime": "started",
    "endTime": "ended",
}


def historic_instance_dto(row: ProcessInstance, definition) -> dict[str, Any]:
    return {
        "id": row.id,
        "rootProcessInstanceId": row.id,
        "superProcessInstanceId": None,
        "superCaseInstanceId": None,
        "caseInstanceId": None,
        "processDefinitionName": definition.name if definition else None,
        "processDefinitionKey": row.definition_key,
        "processDefinitionVersion": definition.version if definition else None,
        "processDefinitionId": row.definition_id,
        "businessKey": row.business_key,
        "startTime": format_date(row.started_at),
        "endTime": format_date(row.ended_at),
        "removalTime": None,
        "durationInMillis": _millis(row.started_at, row.ended_at),
        "startUserId": row.started_by,
        "startActivityId": None,
        "deleteReason": "cancelled" if row.status == "cancelled" else None,
        "tenantId": None,
        "state": {"completed": "COMPLETED", "cancelled": "EXTERNALLY_TERMINATED"}.get(
            row.status, "SUSPENDED" if row.suspended else "ACTIVE"
        ),
    }


def _status(ended: list[str], finished: bool, running: bool) -> str | None:
    """completed / externallyTerminated name one end state; finished is either (issue 16)."""
    if ended:
        return ended[0]
    return "finished" if finished else "active" if running else None


def _instance_query(params, *, paged: bool) -> InstanceQuery | None:
    finished, unfinished = params.flag("finished"), params.flag("unfinished")
    ended = [
        s
        for s, on in (
            ("completed", params.flag("completed")),
            ("cancelled", params.flag("externallyTerminated")),
        )
        if on
    ]
    if (finished or ended) and (unfinished or params.flag("active")) or len(ended) > 1:
        return None
    ids, one = params.texts("processInstanceIds"), params.text("processInstanceId")
    if one is not None:
        if ids and one not in ids:
            return None
        ids = [one]
    query = InstanceQuery(
        ids=ids,
        business_key=params.text("processInstanceBusinessKey"),
        business_key_like=params.text("processInstanceBusinessKeyLike"),
        definition_id=params.text("processDefinitionId"),
        definition_key=params.text("processDefinitionKey"),
        definition_keys=params.texts("processDefinitionKeyIn"),
        status=_status(ended, finished, unfinished or params.flag("active")),
        started_by=params.text("startedBy"),
        started_before=params.date("startedBefore"),
        started_after=params.date("startedAfter"),
    )
    if paged:
        query.first, query.max_results = params.paging()
        sort_by, query.descending = params.sorting(PI_SORTS, "startTime")
        query.sort_by = PI_SORTS[sort_by]
    return query


def historic_called_dto(called: CalledInstance) -> dict[str, Any]:
    """A called process instance (service/engine/called_instances.py) as HistoricProcessInstanceDto."""
    definition = called.definition
    return {
        "id": called.id,
        "rootProcessInstanceId": called.parent.id,
        "superProcessInstanceId": called.super_id,
        "superCaseInstanceId": None,
        "caseInstanceId": None,
        "processDefinitionName": definition.name if definition else None,
        "processDefinitionKey": called.key,
        "processDefinitionVersion": definition.version if definition else None,
        "processDefinitionId": called.definition_id,
        "businessKey": None,
        "startTime": format_date(called.started_at),
        "endTime": format_date(called.ended_at),
        "removalTime": None,
        "durationInMillis": _millis(called.started_at, called.ended_at),
        "startUserId": None,
        "startActivityId": None,
        "deleteReason": "cancelled" if called.status == "cancelled" else None,
        "tenantId": None,
        "state": {"completed": "COMPLETED", "cancelled": "EXTERNALLY_TERMINATED"}.get(
            called.status, "SUSPENDED" if called.suspended else "ACTIVE"
        ),
    }


def _called(params, query: InstanceQuery) -> list[CalledInstance] | None:
    """The called instances the history query selects; narrows `query` by `subProcessInstanceId`.
    None: nothing can match."""
    super_id, sub_id = params.text("superProcessInstanceId"), params.text("subProcessInstanceId")
    if sub_id is not None:
        found = called_instances.get_called_instance(context(), actor=actor(), called_id=sub_id)
        if found is None or (query.ids and found.super_id not in query.ids):
            return None
        query.ids = [found.super_id]
    if query.business_key or query.business_key_like or query.started_by:
        return []  # a called instance has no business key or starter of its own here
    return [
        c
        for c in called_instances.list_called_instances(
            context(),
            actor=actor(),
            ids=query.ids,
            super_ids=[super_id] if super_id else [],
            status=query.status,
            definition_keys=[k for k in [query.definition_key] if k] + query.definition_keys,
            definition_id=query.definition_id,
        )
        if (query.started_before is None or c.started_at < query.started_before)
        and (query.started_after is None or c.started_at > query.started_after)
    ]


@bp.get("/history/process-instance")
def historic_instances():
    params = query_params(PI_SUPPORTED)
    query = _instance_query(params, paged=True)
    called = None if query is None else _called(params, query)
    if called is None:
        return jsonify([])
    if params.text("superProcessInstanceId") is None and not called:
        rows = browse.list_instances(context(), actor=actor(), query=query)
        definitions = browse.definition_names(context(), {r.definition_id for r in rows})
        return jsonify([historic_instance_dto(r, definitions.get(r.definition_id)) for r in rows])
    rows = []
    if params.text("superProcessInstanceId") is None:  # a top-level instance has no caller
        first, limit = query.first, query.max_results
        query.first, query.max_results = 0, None
        rows = browse.list_instances(context(), actor=actor(), query=query)
        query.first, query.max_results = first, limit
    definitions = browse.definition_names(context(), {r.definition_id for r in rows})
    merged = [historic_instance_dto(r, definitions.get(r.definition_id)) for r in rows]
    merged += [historic_called_dto(c) for c in called]
    sorts = {"instanceId": "id", "definitionId": "processDefinitionId", "businessKey": "businessKey",
             "definitionKey": "processDefinitionKey", "started": "startTime", "ended": "endTime"}
    name = sorts.get(query.sort_by, "startTime")
    present = sorted((d for d in merged if d[name] is not None), key=lambda d: d[name],
                     reverse=query.descending)
    missing = [d for d in merged if d[name] is None]  # Camunda: nulls first ascending, last descending
    ordered = present + missing if query.descending else missing + present
    end = None if query.max_results is None else query.first + query.max_results
    return jsonify(ordered[query.first : end])


@bp.get("/history/process-instance/<instance_id>")
def historic_instance(instance_id: str):
    """Camunda's Get Historic Process Instance: one instance, running or ended, as the list shows it
    (a called instance too); 404 for an id the caller may not see, as for one that does not exist."""
    try:
        row = browse.get_instance_row(context(), instance_id=instance_id, actor=actor())
    except NotFound:
        called = called_instances.get_called_instance(context(), actor=actor(), called_id=instance_id)
        if called is None:
            raise NotFound(f"流程实例不存在 / Historic process instance with id {instance_id} does not exist"
                           ) from None
        return jsonify(historic_called_dto(called))
    definitions = browse.definition_names(context(), {row.definition_id})
    return jsonify(historic_instance_dto(row, definitions.get(row.definition_id)))


@bp.get("/history/process-instance/count")
def count_historic_instances():
    params = query_params(PI_SUPPORTED)
    query = _instance_query(params, paged=False)
    called = None if query is None else _called(params, query)
    if called is None:
        return jsonify(count=0)
    top = 0 if params.text("superProcessInstanceId") else browse.count_instances(
        context(), actor=actor(), query=query)
    return jsonify(count=top + len(called))


# --- tasks -----------------------------------------------------------------------------------------

TASK_SUPPORTED = {
    "taskId",
    "processInstanceId",
    "processInstanceBusinessKey",
    "processDefinitionId",
    "processDefinitionKey",
    "taskDefinitionKey",
    "taskAssignee",
    "finished",
    "unfinished",
}
TASK_SORTS = {
    "taskId": lambda t: t.id,
    "startTime": lambda t: t.start,
    "endTime": lambda t: t.end,
    "taskName": lambda t: t.name,
    "assignee": lambda t: t.assignee,
    "processInstanceId": lambda t: t.instance_id,
    "taskDefinitionKey": lambda t: t.element_id,
    "duration": lambda t: _millis(t.start, t.end),
    "dueDate": lambda t: t.due,
    "priority": lambda t: t.priority,
}


def historic_task_dto(task: HistoricTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "processDefinitionKey": task.definition_key,
        "processDefinitionId": task.definition_id,
        "processInstanceId": task.instance_id,
        "executionId": task.instance_id,
        "caseDefinitionKey": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "activityInstanceId": f"{task.element_id}:{task.id}",
        "name": task.name,
        "description": None,
        "deleteReason": task.delete_reason or ("completed" if task.end else None),
        "owner": task.owner,
        "assignee": task.assignee,
        "startTime": format_date(task.start),
        "endTime": format_date(task.end),
        "duration": _millis(task.start, task.end),
        "taskDefinitionKey": task.element_id,
        "priority": task.priority if task.priority is not None else 50,
        "due": format_date(task.due),
        "parentTaskId": None,
        "followUp": format_date(task.follow_up),
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": task.instance_id,
        "taskState": "Completed" if task.end else "Created",
    }


def _matching_tasks(params) -> list[HistoricTask]:
    rows = historic_tasks(context(), actor=actor(), instance_id=params.text("processInstanceId"))
    business_key = params.text("processInstanceBusinessKey")
    keys = _business_keys(rows) if business_key else {}
    finished, unfinished = params.flag("finished"), params.flag("unfinished")
    checks = [
        lambda t: params.text("taskId") in (None, t.id),
        lambda t: params.text("processDefinitionId") in (None, t.definition_id),
        lambda t: params.text("processDefinitionKey") in (None, t.definition_key),
        lambda t: params.text("taskDefinitionKey") in (None, t.element_id),
        lambda t: params.text("taskAssignee") in (None, t.assignee),
        lambda t: not finished or t.end is not None,
        lambda t: not unfinished or t.end is None,
        lambda t: business_key is None or keys.get(t.instance_id) == business_key,
    ]
    return [t for t in rows if all(check(t) for check in checks)]


def _business_keys(rows: list[HistoricTask]) -> dict[str, str | None]:
    ids = sorted({t.instance_id for t in rows})
    found = browse.list_instances(context(), actor=actor(), query=InstanceQuery(ids=ids)) if ids else []
    return {r.id: r.business_key for r in found}


@bp.get("/history/task")
def historic_task_list():
    params = query_params(TASK_SUPPORTED)
    rows = _page(_matching_tasks(params), params, TASK_SORTS, "startTime")
    return jsonify([historic_task_dto(t) for t in rows])


@bp.get("/history/task/count")
def count_historic_tasks():
    return jsonify(count=len(_matching_tasks(query_params(TASK_SUPPORTED))))


# --- activity instances ----------------------------------------------------------------------------

ACT_SUPPORTED = {
    "activityInstanceId",
    "processInstanceId",
    "processDefinitionId",
    "activityId",
    "activityType",
    "taskAssignee",
    "finished",
    "unfinished",
}
ACT_SORTS = {
    "activityInstanceId": lambda a: a[0].id,
    "instanceId": lambda a: a[0].instance_id,
    "activityId": lambda a: a[0].element_id,
    "activityName": lambda a: a[0].extra.get("name"),
    "activityType": lambda a: a[1],
    "startTime": lambda a: a[0].start,
    "endTime": lambda a: a[0].end,
    "duration": lambda a: _millis(a[0].start, a[0].end),
    "definitionId": lambda a: a[0].definition_id,
}


def historic_activity_dto(activity: HistoricActivity, kind: str) -> dict[str, Any]:
    return {
        "id": activity.id,
        "parentActivityInstanceId": activity.instance_id,
        "activityId": activity.element_id,
        "activityName": activity.extra.get("name"),
        "activityType": kind,
        "processDefinitionKey": activity.definition_key,
        "processDefinitionId": activity.definition_id,
        "processInstanceId": activity.instance_id,
        "executionId": activity.instance_id,
        "taskId": activity.task_id,
        "assignee": activity.assignee,
        "calledProcessInstanceId": None,
        "calledCaseInstanceId": None,
        "startTime": format_date(activity.start),
        "endTime": format_date(activity.end),
        "durationInMillis": _millis(activity.start, activity.end),
        "canceled": activity.canceled,
        "completeScope": kind.endswith("EndEvent"),
        "tenantId": None,
        "removalTime": None,
        "rootProcessInstanceId": activity.instance_id,
    }


def _matching_activities(params) -> list[tuple[HistoricActivity, str]]:
    rows = historic_activities(context(), actor=actor(), instance_id=params.text("processInstanceId"))
    finished, unfinished = params.flag("finished"), params.flag("unfinished")
    checks = [
        lambda a: params.text("activityInstanceId") in (None, a[0].id),
        lambda a: params.text("processDefinitionId") in (None, a[0].definition_id),
        lambda a: params.text("activityId") in (None, a[0].element_id),
        lambda a: params.text("activityType") in (None, a[1]),
        lambda a: params.text("taskAssignee") in (None, a[0].assignee),
        lambda a: not finished or a[0].end is not None,
        lambda a: not unfinished or a[0].end is None,
    ]
    return [a for a in rows if all(check(a) for check in checks)]


@bp.get("/history/activity-instance")
def historic_activity_list():
    params = query_params(ACT_SUPPORTED)
    rows = _page(_matching_activities(params), params, ACT_SORTS, "startTime")
    return jsonify([historic_activity_dto(a, kind) for a, kind in rows])


@bp.get("/history/activity-instance/count")
def count_historic_activities():
    return jsonify(count=len(_matching_activities(query_params(ACT_SUPPORTED))))
