"""User tasks: the query a clerk's inbox needs, claim/unclaim/assignee, complete, submit-form, variables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import jsonify

from ...clock import local_minutes
from ...engine import browse, deployed_resources, tasks
from ...engine.history import completed_task
from ...engine.store.models import HumanTask
from ...engine.store.tasks import TaskQuery
from ...errors import Conflict, NotFound, TaskCompleted
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import format_date, json_body, query_params
from .strict import boolean
from .variables import from_typed_map, to_typed_map

SUPPORTED = {
    "processInstanceId",
    "processInstanceBusinessKey",
    "processDefinitionKey",
    "taskDefinitionKey",
    "assignee",
    "owner",
    "delegationState",
    "candidateGroup",
    "candidateUser",
    "unassigned",
    "assigned",
    "dueBefore",
    "dueAfter",
    "active",
    "suspended",
}
SORTS = {
    "created": "created",
    "dueDate": "dueDate",
    "name": "name",
    "priority": "priority",
    "assignee": "assignee",
    "id": "id",
}


def task_dto(row: HumanTask, definition_id: str | None) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "assignee": row.assignee,
        "owner": row.owner,
        "created": format_date(row.created_at),
        "due": format_date(row.due_at),
        "followUp": format_date(row.follow_up_at),
        "delegationState": row.delegation_state,
        "description": None,
        "executionId": row.instance_id,
        "parentTaskId": None,
        "priority": row.priority,
        "processDefinitionId": definition_id,
        "processInstanceId": row.instance_id,
        "caseExecutionId": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "taskDefinitionKey": row.element_id,
        "suspended": False,
        "formKey": row.form_key,
        "tenantId": None,
    }


def _dtos(rows: list[HumanTask]) -> list[dict[str, Any]]:
    definitions = browse.instance_definitions(context(), {r.instance_id for r in rows})
    return [task_dto(r, definitions.get(r.instance_id)) for r in rows]


def _query(params, *, paged: bool) -> TaskQuery | None:
    if params.flag("suspended"):
        return None
    if params.flag("assigned") and params.flag("unassigned"):
        return None
    query = TaskQuery(
        instance_id=params.text("processInstanceId"),
        business_key=params.text("processInstanceBusinessKey"),
        definition_key=params.text("processDefinitionKey"),
        element_id=params.text("taskDefinitionKey"),
        assignee=params.text("assignee"),
        owner=params.text("owner"),
        delegation_state=_delegation_state(params.text("delegationState")),
        candidate_group=params.text("candidateGroup"),
        candidate_user=params.text("candidateUser"),
        unassigned=params.flag("unassigned"),
        assigned=params.flag("assigned"),
        due_before=params.date("dueBefore"),
        due_after=params.date("dueAfter"),
    )
    if paged:
        query.first, query.max_results = params.paging()
        query.sort_by, query.descending = params.sorting(SORTS, "created")
    return query


DELEGATION_STATES = ("PENDING", "RESOLVED")


def _delegation_state(value: str | None) -> str | None:
    """Camunda's `delegationState` filter: PENDING or RESOLVED (400 naming the parameter otherwise)."""
    if value is None or value in DELEGATION_STATES:
        return value
    raise BadRequest(f"delegationState 须为 PENDING 或 RESOLVED / Valid values for property "
                     f"'delegationState' are 'PENDING' or 'RESOLVED', but was '{value}'")


def _list(with_body: bool):
    query = _query(query_params(SUPPORTED, with_body=with_body), paged=True)
    rows = [] if query is None else tasks.list_tasks_with_definitions(context(), actor=actor(), query=query)
    return jsonify([task_dto(row, definition_id) for row, definition_id in rows])


@bp.get("/task")
def list_tasks():
    return _list(False)


@bp.post("/task")
def query_tasks():
    return _list(True)


def _count(with_body: bool):
    query = _query(query_params(SUPPORTED, with_body=with_body), paged=False)
    return jsonify(count=0 if query is None else tasks.count_tasks(context(), actor=actor(), query=query))


@bp.get("/task/count")
def count_tasks():
    return _count(False)


@bp.post("/task/count")
def query_count_tasks():
    return _count(True)


@bp.get("/task/<task_id>")
def get_task(task_id: str):
    return jsonify(_dtos([tasks.get_task(context(), task_id=task_id, actor=actor())])[0])


@contextmanager
def open_task(task_id: str) -> Iterator[None]:
    """Acting on a task completed meanwhile is 409 saying who completed it and when, not 404."""
    try:
        yield
    except (NotFound, TaskCompleted):
        done = completed_task(context(), task_id=task_id, actor=actor())
        if done is None:
            raise
        if done.completed_by is None:  # a reviewer the caller may not know (store/reviewer_secrecy.py)
            raise Conflict(
                f"任务已于 {local_minutes(done.end)} 办结 / "
                f"Task {task_id} is no longer open: it was completed"
            ) from None
        raise Conflict(
            f"任务已于 {local_minutes(done.end)} 由 {done.completed_by} 办结 / "
            f"Task {task_id} is no longer open: {done.completed_by} completed it"
        ) from None


def _visible(task_id: str) -> None:
    """404 (or 409 if completed, or claimed by another user after it was offered to the caller) for a
    task the caller cannot act on, before its body is read (issue 11, report-a finding 10)."""
    with open_task(task_id):
        tasks.check_actionable(context(), task_id=task_id, actor=actor())


def _user_id(body: dict[str, Any], *, required: bool) -> str | None:
    user_id = body.get("userId")
    if user_id is None and not required:
        return None
    if not isinstance(user_id, str) or not user_id:
        raise BadRequest("userId is required and must be a string")
    return user_id


@bp.post("/task/<task_id>/claim")
def claim(task_id: str):
    _visible(task_id)
    user_id = _user_id(json_body(), required=True)
    with open_task(task_id):
        if user_id == actor().id:
            tasks.claim_task(context(), task_id=task_id, actor=actor())
        else:  # claiming for someone else is handing the task over
            tasks.set_assignee(context(), task_id=task_id, user_id=user_id, actor=actor())
    return "", 204


@bp.post("/task/<task_id>/unclaim")
def unclaim(task_id: str):
    with open_task(task_id):
        tasks.unclaim_task(context(), task_id=task_id, actor=actor())
    return "", 204


@bp.post("/task/<task_id>/assignee")
def assignee(task_id: str):
    _visible(task_id)
    body = json_body()
    if "userId" not in body:
        raise BadRequest("userId is required (null to clear the assignee)")
    with open_task(task_id):
        tasks.set_assignee(context(), task_id=task_id, user_id=_user_id(body, required=False), actor=actor())
    return "", 204


@bp.post("/task/<task_id>/delegate")
def delegate(task_id: str):
    """Camunda's Delegate Task: `{"userId": …}`; the assignee becomes the owner, delegation PENDING."""
    _visible(task_id)
    user_id = _user_id(json_body(), required=True)
    with open_task(task_id):
        tasks.delegate_task(context(), task_id=task_id, user_id=user_id, actor=actor())
    return "", 204


@bp.post("/task/<task_id>/resolve")
def resolve(task_id: str):
    """Camunda's Resolve Task: `{"variables": {…}}` set on the process instance, the task back to its
    owner (delegation RESOLVED), still open for the owner to complete."""
    _visible(task_id)
    body = json_body()
    unsupported = sorted(set(body) - {"variables"})
    if unsupported:
        raise BadRequest(f"不支持的参数 / Unsupported option(s): {', '.join(unsupported)}")
    data = from_typed_map(body.get("variables"))
    with open_task(task_id):
        tasks.resolve_task(context(), task_id=task_id, actor=actor(), data=data)
    return "", 204


def _complete(task_id: str, form: bool = False):
    """Complete (or submit the form of) the task. A task the caller cannot act on answers 404/409 before
    its body's 400 (`_visible`); a well-formed body goes straight to the completion, whose locked read
    answers the same 404/409 (no second read per completion, issue 18)."""
    try:
        data, returned = _completion_body()
    except Exception:
        _visible(task_id)
        raise
    with open_task(task_id):
        variables = tasks.complete_task(context(), task_id=task_id, actor=actor(), data=data, form=form,
                                        with_variables=returned)
    if variables is not None:
        return jsonify(to_typed_map(variables))
    return "", 204


def _completion_body() -> tuple[dict[str, Any], bool]:
    """(variables, withVariablesInReturn) of a complete or submit-form body; BadRequest naming the field."""
    body = json_body()
    unsupported = sorted(set(body) - {"variables", "withVariablesInReturn"})
    if unsupported:
        raise BadRequest(f"不支持的参数 / Unsupported option(s): {', '.join(unsupported)}")
    data = from_typed_map(body.get("variables"))
    return data, boolean(body, "withVariablesInReturn", default=False)  # "yes": 400 naming it, as Camunda


@bp.post("/task/<task_id>/complete")
def complete(task_id: str):
    return _complete(task_id)


@bp.post("/task/<task_id>/submit-form")
def submit_form(task_id: str):
    return _complete(task_id, form=True)


def _variables(task_id: str):
    params = query_params({"variableNames", "deserializeValues"})
    params.flag("deserializeValues")
    values = tasks.task_variables(context(), task_id=task_id, actor=actor(), with_item=False)
    return jsonify(to_typed_map(values, params.texts("variableNames")))


@bp.get("/task/<task_id>/form-variables")
def form_variables(task_id: str):
    params = query_params({"variableNames", "deserializeValues"})
    params.flag("deserializeValues")
    values = tasks.task_variables(context(), task_id=task_id, actor=actor(), with_item=False)
    values = deployed_resources.task_form_variables(context(), task_id=task_id, actor=actor(), values=values)
    return jsonify(to_typed_map(values, params.texts("variableNames")))


@bp.get("/task/<task_id>/variables")
def variables(task_id: str):
    return _variables(task_id)
