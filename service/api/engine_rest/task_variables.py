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
from ..auth import context
from .blueprint import actor, bp
from .params import query_params
from .variable_routes import add_variable_routes
from .variables import to_typed_map

add_variable_routes(
    bp,
    "/task/<owner_id>/variables",
    "task_variables",
    read=lambda task_id: tasks.task_variables(context(), task_id=task_id, actor=actor(), with_item=False),
    write=lambda task_id, modifications, deletions: instance_admin.set_task_variables(
        context(), actor=actor(), task_id=task_id, modifications=modifications, deletions=deletions
    ),
    missing="任务变量不存在 / task variable with name {name} does not exist",
)


@bp.get("/task/<task_id>/localVariables")
def task_local_variables(task_id: str):
    query_params({"deserializeValues"}).flag("deserializeValues")
    values = tasks.task_variables(context(), task_id=task_id, actor=actor(), local_only=True)
    return jsonify(to_typed_map(values))


add_variable_routes(
    bp,
    "/task/<owner_id>/localVariables",
    "task_local_variables",
    read=lambda task_id: tasks.task_variables(context(), task_id=task_id, actor=actor(), local_only=True),
    write=lambda task_id, modifications, deletions: instance_admin.set_task_local_variables(
        context(), actor=actor(), task_id=task_id, modifications=modifications, deletions=deletions
    ),
    missing="任务局部变量不存在 / task variable with name {name} does not exist",
)
