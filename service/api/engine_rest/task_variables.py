"""Task variables in Camunda 7.21's shapes (issue 16): a task's variables are its process instance's.

Reads follow the task's visibility (service/engine/tasks.task_variables); writes are administration
(service/engine/instance_admin.set_task_variables). Task-local variables do not exist here: the local
reads answer empty / 404, the local writes 400, so a client never believes it stored one.

Why not (issue 16, second pass): Camunda keeps a task's local variables in the task's own scope, read
with the task's variables and gone when it completes. workflows/scope.py could host them the way it
hosts a multi-instance item or an input parameter (names in `local_names`, values in the Spiff task's
data), but the task row the API reads (`HumanTask.context_json`) is a snapshot taken when the task is
created, and its values carry no Camunda type (a local Date would come back a String). Honouring the
writes needs the task projection refreshed on every save and typed local values; until then a write is
refused rather than stored where nothing would read it back.
"""

from __future__ import annotations

from flask import jsonify

from ...engine import instance_admin, tasks
from ...errors import NotFound
from ..auth import context
from .blueprint import actor, bp
from .errors import BadRequest
from .params import json_body, query_params
from .strict import check_fields
from .variables import from_typed, from_typed_map, to_typed

LOCAL = "任务局部变量不受支持 / task-local variables are not supported: set the process variables instead"


@bp.get("/task/<task_id>/variables/<name>")
def task_variable(task_id: str, name: str):
    query_params({"deserializeValue"}).flag("deserializeValue")
    values = tasks.task_variables(context(), task_id=task_id, actor=actor())
    if name not in values:
        raise NotFound(f"任务变量不存在 / task variable with name {name} does not exist")
    return jsonify(to_typed(values[name]))


@bp.put("/task/<task_id>/variables/<name>")
def put_task_variable(task_id: str, name: str):
    body = json_body()
    check_fields(body, {"value", "type", "valueInfo"}, "VariableValueDto")
    value = from_typed(name, body)
    instance_admin.set_task_variables(
        context(), actor=actor(), task_id=task_id, modifications={name: value}, deletions=[]
    )
    return "", 204


@bp.delete("/task/<task_id>/variables/<name>")
def delete_task_variable(task_id: str, name: str):
    instance_admin.set_task_variables(
        context(), actor=actor(), task_id=task_id, modifications={}, deletions=[name]
    )
    return "", 204


@bp.post("/task/<task_id>/variables")
def modify_task_variables(task_id: str):
    body = json_body()
    check_fields(body, {"modifications", "deletions"}, "PatchVariablesDto")
    deletions = body.get("deletions") or []
    if not isinstance(deletions, list) or not all(isinstance(d, str) for d in deletions):
        raise BadRequest("deletions must be a list of variable names")
    instance_admin.set_task_variables(
        context(),
        actor=actor(),
        task_id=task_id,
        modifications=from_typed_map(body.get("modifications"), "modifications"),
        deletions=deletions,
    )
    return "", 204


@bp.get("/task/<task_id>/localVariables")
def task_local_variables(task_id: str):
    query_params({"deserializeValues"}).flag("deserializeValues")
    tasks.task_variables(context(), task_id=task_id, actor=actor())  # 404 for a task not visible
    return jsonify({})


@bp.get("/task/<task_id>/localVariables/<name>")
def task_local_variable(task_id: str, name: str):
    tasks.task_variables(context(), task_id=task_id, actor=actor())
    raise NotFound(f"任务局部变量不存在 / task variable with name {name} does not exist")


@bp.put("/task/<task_id>/localVariables/<name>")
@bp.delete("/task/<task_id>/localVariables/<name>")
def put_task_local_variable(task_id: str, name: str):
    raise BadRequest(LOCAL)


@bp.post("/task/<task_id>/localVariables")
def modify_task_local_variables(task_id: str):
    raise BadRequest(LOCAL)
