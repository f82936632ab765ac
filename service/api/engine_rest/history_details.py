"""`/history/detail[/count]`, `/history/detail/{id}` in Camunda 7.21's shapes (HistoricDetailDto:
HistoricVariableUpdate and HistoricFormField), from service/engine/history_details.py.

Ids: a detail's id is its number; an execution and activity instance here is the process instance
(as `/variable-instance` reports it); a variable instance's id is `{instance id}:{name}`."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import history_details
from ...engine.store.detail_query import DetailFilters
from ...engine.store.variable_history_models import FORM_FIELD, VARIABLE_UPDATE
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import format_date, query_params
from .variables import to_typed

QUERY = {
    "processInstanceId",
    "processInstanceIdIn",
    "executionId",
    "taskId",
    "activityInstanceId",
    "caseInstanceId",
    "caseExecutionId",
    "variableInstanceId",
    "variableTypeIn",
    "tenantIdIn",
    "withoutTenantId",
    "userOperationId",
    "formFields",
    "variableUpdates",
    "excludeTaskDetails",
    "initial",
    "occurredBefore",
    "occurredAfter",
    "deserializeValues",
}
SORTS = set(history_details.SORTS) | {"variableType", "tenantId"}


def detail_dto(detail: history_details.Detail) -> dict[str, Any]:
    """Camunda's HistoricDetailDto: the common part, then the variable update's or the form field's."""
    row, instance = detail.row, detail.instance
    body: dict[str, Any] = {
        "id": detail.id,
        "type": row.kind,
        "processDefinitionKey": instance.definition_key,
        "processDefinitionId": instance.definition_id,
        "processInstanceId": instance.id,
        "activityInstanceId": instance.id,
        "executionId": instance.id,
        "caseDefinitionKey": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": row.task_id,
        "tenantId": None,
        "userOperationId": None,
        "time": format_date(row.at),
        "removalTime": None,
        "rootProcessInstanceId": instance.id,
    }
    if row.kind == FORM_FIELD:
        typed = to_typed(detail.value, detail.kind)
        body.update(fieldId=row.name, fieldValue=typed["value"])
        return body
    typed = to_typed(detail.value, detail.kind)
    body.update(
        variableName=row.name,
        variableInstanceId=f"{instance.id}:{row.name}",
        variableType=typed["type"],
        value=typed["value"],
        valueInfo=typed["valueInfo"],
        initial=row.initial,
        revision=row.revision,
        errorMessage=None,
    )
    return body


def _query(params) -> tuple[DetailFilters, Any] | None:
    """The filters and the type check; None when the query can match nothing here (cases, tenants,
    an execution or activity instance that is not a process instance)."""
    if params.texts("tenantIdIn"):
        raise BadRequest("tenants are not supported: tenantIdIn")
    params.flag("withoutTenantId")
    params.flag("deserializeValues")
    if params.text("caseInstanceId") or params.text("caseExecutionId") or params.text("userOperationId"):
        return None  # no cases; variable updates are not linked to a user operation here
    forms, updates = params.flag("formFields"), params.flag("variableUpdates")
    if forms and updates:
        return None
    wanted_ids: list[set[str]] = [
        {params.text(n)} for n in ("processInstanceId", "executionId", "activityInstanceId") if params.text(n)
    ]  # an execution and activity instance here is the process instance
    if params.texts("processInstanceIdIn"):
        wanted_ids.append(set(params.texts("processInstanceIdIn")))
    names: list[str] = []
    variable_id = params.text("variableInstanceId")
    if variable_id:
        owner, _, name = variable_id.partition(":")
        if not name:
            return None
        names = [name]
        wanted_ids.append({owner})
    instance_ids = set.intersection(*wanted_ids) if wanted_ids else set()
    if wanted_ids and not instance_ids:
        return None
    initial = params.flag("initial") or None
    kinds = params.texts("variableTypeIn")
    wanted = {k.lower() for k in kinds}

    def accept(detail: history_details.Detail) -> bool:
        if not wanted:
            return True
        return to_typed(detail.value, detail.kind)["type"].lower() in wanted

    filters = DetailFilters(
        instance_ids=sorted(instance_ids),
        task_id=params.text("taskId"),
        kind=FORM_FIELD if forms else (VARIABLE_UPDATE if updates or wanted or initial else None),
        exclude_task_details=params.flag("excludeTaskDetails"),
        names=names,
        initial=initial,
        occurred_before=params.date("occurredBefore"),
        occurred_after=params.date("occurredAfter"),
    )
    return filters, (accept if wanted else None)


def _list(with_body: bool):
    params = query_params(QUERY, with_body=with_body)
    first, limit = params.paging()
    sort, descending = params.sorting(SORTS, "occurrence")
    found = _query(params)
    if found is None:
        return jsonify([])
    filters, accept = found
    rows = history_details.list_details(
        context(), actor=actor(), filters=filters, accept=accept,
        sort=sort, descending=descending, first=first, limit=limit,
    )
    return jsonify([detail_dto(d) for d in rows])


def _count(with_body: bool):
    params = query_params(QUERY, with_body=with_body)
    found = _query(params)
    if found is None:
        return jsonify(count=0)
    filters, accept = found
    counted = history_details.count_details(context(), actor=actor(), filters=filters, accept=accept)
    return jsonify(count=counted)


@bp.get("/history/detail")
def historic_detail_list():
    return _list(False)


@bp.post("/history/detail")
def historic_detail_query():
    return _list(True)


@bp.get("/history/detail/count")
def historic_detail_count():
    return _count(False)


@bp.get("/history/detail/<detail_id>")
def historic_detail_get(detail_id: str):
    query_params({"deserializeValue"}).flag("deserializeValue")
    return jsonify(detail_dto(history_details.get_detail(context(), actor=actor(), detail_id=detail_id)))
