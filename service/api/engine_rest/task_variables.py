"""Task variables in Camunda 7.21's shapes (issue 16): a task's variables are its process instance's.

Reads follow the task's visibility (service/engine/tasks.task_variables); writes are administration
(service/engine/instance_admin.set_task_variables / set_task_local_variables).

Task-local variables (issue 16, second pass) live in the open task's own scope, as in Camunda: read with
the task's variables (shadowing a process variable of the same name), listed alone by
`/localVariables`, never seen by the process instance, gone when the task completes. They are kept like
an input parameter of the activity (workflows/scope.py `TASK_LOCALS`), typed (a Date stays a Date).
"""

from __future__ import annotations

from flask import jsonify

from ...engine import instance_admin, tasks
from ...errors import NotFound
from ..auth import context
from .blueprint import actor, bp
from .params import query_params
from .variables import patch_body, to_typed_map, typed_value, variable_body


@bp.get("/task/<task_id>/variables/<name>")
def task_variable(task_id: str, name: str):
    query_params({"deserializeValue"}).flag("deserializeValue")
    values = tasks.task_variables(context(), task_id=task_id, actor=actor(), with_item=False)
    if name not in values:
        raise NotFound(f"任务变量不存在 / task variable with name {name} does not exist")
    return jsonify(typed_value(values, name))


@bp.put("/task/<task_id>/variables/<name>")
def put_task_variable(task_id: str, name: str):
    value = variable_body(name)
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
    modifications, deletions = patch_body()
    instance_admin.set_task_variables(
        context(),
        actor=actor(),
        task_id=task_id,
        modifications=modifications,
        deletions=deletions,
    )
    return "", 204


@bp.get("/task/<task_id>/localVariables")
def task_local_variables(task_id: str):
    query_params({"deserializeValues"}).flag("deserializeValues")
    values = tasks.task_variables(context(), task_id=task_id, actor=actor(), local_only=True)
    return jsonify(to_typed_map(values))


@bp.get("/task/<task_id>/localVariables/<name>")
def task_local_variable(task_id: str, name: str):
    query_params({"deserializeValue"}).flag("deserializeValue")
    values = tasks.task_variables(context(), task_id=task_id, actor=actor(), local_only=True)
    if name not in values:
        raise NotFound(f"任务局部变量不存在 / task variable with name {name} does not exist")
    return jsonify(typed_value(values, name))


@bp.put("/task/<task_id>/localVariables/<name>")
def put_task_local_variable(task_id: str, name: str):
    instance_admin.set_task_local_variables(
        context(), actor=actor(), task_id=task_id, modifications={name: variable_body(name)}, deletions=[]
    )
    return "", 204


@bp.delete("/task/<task_id>/localVariables/<name>")
def delete_task_local_variable(task_id: str, name: str):
    instance_admin.set_task_local_variables(
        context(), actor=actor(), task_id=task_id, modifications={}, deletions=[name]
    )
    return "", 204


@bp.post("/task/<task_id>/localVariables")
def modify_task_local_variables(task_id: str):
    modifications, deletions = patch_body()
    instance_admin.set_task_local_variables(
        context(),
        actor=actor(),
        task_id=task_id,
        modifications=modifications,
        deletions=deletions,
    )
    return "", 204
