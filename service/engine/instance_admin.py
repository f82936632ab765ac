"""Administering running instances (issue 16): set or delete variables, cancel, suspend and activate.

Camunda 7's operations (`POST/PUT/DELETE /process-instance/{id}/variables…`, `DELETE
/process-instance/{id}`, `PUT /process-instance/{id}/suspended`). Who: an administrator or a process
owner (Camunda's UPDATE/DELETE permission on the instance); the instance must be one the caller may see
(404 otherwise). Every change goes through the one change path (commands.run_command) where the engine
state changes, and is audited. A suspended instance refuses task completion (409) and its jobs do
not fire (store/jobs.claim_next skips them), as in Camunda.
"""

from __future__ import annotations

import json
from typing import Any

from ..actors import ADMIN, PROCESS_OWNER, Actor
from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from . import personal_data
from .commands import run_command
from .store import audit, definitions, instance_query, instances
from .store import tasks as task_store
from .store.instance_query import InstanceQuery
from .store.models import ProcessInstance

CANCELLED = "cancelled"


def check_administrator(actor: Actor) -> None:
    """Forbidden unless `actor` administers instances (admin or process owner)."""
    if not actor.has(ADMIN, PROCESS_OWNER):
        raise Forbidden(
            "只有系统管理员或流程管理员可以管理流程实例 / "
            "Only administrators and process owners may administer process instances"
        )


def _running(session, actor: Actor, instance_id: str) -> ProcessInstance:
    instances.get_visible(session, instance_id, actor)  # NotFound outside the caller's scope
    check_administrator(actor)
    row = instances.lock(session, instance_id)
    if row.status != "active":
        raise NotFound(
            f"流程实例已结束 / Process instance with id {instance_id} does not exist (it has ended)"
        )
    return row


def set_variables(
    ctx: Context, *, actor: Actor, instance_id: str, modifications: dict[str, Any], deletions: list[str]
) -> None:
    """Set `modifications` and delete `deletions` (names) on the running instance; no step is taken.

    Raises NotFound (unknown, ended, or not visible), Forbidden, InvalidInput (unstorable values).
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        row = _running(session, actor, instance_id)
        modifications = personal_data.restore_masked(json.loads(row.variables_json or "{}"), modifications)
        run_command(
            ctx, session, row, actor, lambda r, h, n: r.set_variables(modifications, deletions, n), now
        )
        audit.record(
            session,
            actor=actor,
            action="instance.variables_set",
            at=now,
            instance_id=row.id,
            detail={"modified": sorted(modifications), "deleted": sorted(deletions)},
        )
        uow.commit()


def set_task_variables(
    ctx: Context, *, actor: Actor, task_id: str, modifications: dict[str, Any], deletions: list[str]
) -> None:
    """Camunda's task variable writes (`PUT/DELETE /task/{id}/variables/{name}`, `POST .../variables`):
    the variables of the task's process instance, as `set_variables` (administrators only: a person
    working on the task changes data through the task's form, which is validated).

    Raises NotFound (the task does not exist or is not visible), Forbidden, InvalidInput.
    """
    with ctx.unit_of_work(write=False) as uow:
        instance_id = task_store.get_visible(uow.session, task_id, actor).instance_id
    set_variables(ctx, actor=actor, instance_id=instance_id, modifications=modifications, deletions=deletions)


def set_task_local_variables(
    ctx: Context, *, actor: Actor, task_id: str, modifications: dict[str, Any], deletions: list[str]
) -> None:
    """Camunda's task-local variable writes (`PUT/DELETE /task/{id}/localVariables/{name}`, `POST
    .../localVariables`): variables of the open task's own scope, ending with it (workflows/instance.
    set_task_locals). Administrators only, as the task's other variable writes. Audited as
    `task.local_variables_set`.

    Raises NotFound (the task does not exist, is not visible or no longer open), Forbidden, InvalidInput.
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        instance_id = task_store.get_visible(session, task_id, actor).instance_id
        row = _running(session, actor, instance_id)
        modifications = personal_data.restore_masked(json.loads(row.variables_json or "{}"), modifications)
        try:
            run_command(
                ctx, session, row, actor,
                lambda r, h, n: r.set_task_locals(task_id, modifications, deletions, n), now,
            )
        except Conflict as exc:  # the task closed meanwhile
            raise NotFound(f"任务不存在 / Task {task_id} does not exist") from exc
        audit.record(
            session,
            actor=actor,
            action="task.local_variables_set",
            at=now,
            instance_id=row.id,
            task_id=task_id,
            detail={"modified": sorted(modifications), "deleted": sorted(deletions)},
        )
        uow.commit()


def cancel(
    ctx: Context,
    *,
    actor: Actor,
    instance_id: str,
    skip_custom_listeners: bool = False,
    reason: str | None = None,
) -> None:
    """Cancel the running instance: its open tasks, timers and external tasks go; history keeps it as
    cancelled (Camunda's EXTERNALLY_TERMINATED). `skipIoMappings` has no effect here: output mappings of
    cancelled activities are not run either way."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        row = _running(session, actor, instance_id)
        run_command(
            ctx,
            session,
            row,
            actor,
            lambda r, h, n: r.cancel(n, skip_custom_listeners=skip_custom_listeners),
            now,
        )
        row.status, row.ended_at, row.end_element_id = CANCELLED, now, None
        audit.record(
            session,
            actor=actor,
            action="instance.cancelled",
            at=now,
            instance_id=row.id,
            detail={"reason": reason, "skipCustomListeners": skip_custom_listeners},
        )
        uow.commit()


def set_suspended(ctx: Context, *, actor: Actor, instance_id: str, suspended: bool) -> None:
    """Suspend or activate the running instance (idempotent, audited either way)."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        row = _running(session, actor, instance_id)
        row.suspended = suspended
        row.updated_at = now
        audit.record(
            session,
            actor=actor,
            action="instance.suspended" if suspended else "instance.activated",
            at=now,
            instance_id=row.id,
        )
        uow.commit()


def set_suspended_in_group(
    ctx: Context,
    *,
    actor: Actor,
    suspended: bool,
    definition_id: str | None = None,
    definition_key: str | None = None,
    instance_ids: list[str] | None = None,
) -> int:
    """Suspend or activate every running instance of a definition (by id, or any version of a key) or of
    `instance_ids`, among those the caller may see (Camunda's `PUT /process-instance/suspended`).
    Returns how many instances changed. Raises Forbidden."""
    check_administrator(actor)
    now = ctx.now()
    query = InstanceQuery(
        ids=list(instance_ids or []),
        definition_id=definition_id,
        definition_key=definition_key,
        status="active",
    )
    changed = 0
    with ctx.unit_of_work() as uow:
        session = uow.session
        for found in instance_query.list_instances(session, actor, query):
            row = instances.lock(session, found.id)
            if row.status != "active" or row.suspended == suspended:
                continue
            row.suspended, row.updated_at = suspended, now
            audit.record(
                session,
                actor=actor,
                action="instance.suspended" if suspended else "instance.activated",
                at=now,
                instance_id=row.id,
                detail={"group": True},
            )
            changed += 1
        uow.commit()
    return changed


def set_definition_suspended(
    ctx: Context,
    *,
    actor: Actor,
    suspended: bool,
    definition_id: str | None = None,
    key: str | None = None,
    include_instances: bool = False,
) -> None:
    """Suspend or activate a definition (by id) or every version of `key`: a suspended definition starts
    no instances; with `include_instances` its running instances follow (Camunda's
    `PUT /process-definition/{id}/suspended`). Raises Forbidden, NotFound."""
    check_administrator(actor)
    if not definition_id and not key:
        raise InvalidInput(
            "需要流程定义 / a process definition id or key is required",
            {"processDefinitionKey": ["必填 / required"]},
        )
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        rows = (
            [definitions.get(session, definition_id)]
            if definition_id
            else definitions.list_definitions(session, key=key)
        )
        if not rows:
            raise NotFound(f"流程定义不存在 / No process definition with key {key}")
        for row in rows:
            row.suspended = suspended
            audit.record(
                session,
                actor=actor,
                action="definition.suspended" if suspended else "definition.activated",
                at=now,
                detail={"definition": row.id, "includeProcessInstances": include_instances},
            )
        uow.commit()
    if include_instances:
        set_suspended_in_group(
            ctx,
            actor=actor,
            suspended=suspended,
            definition_id=definition_id,
            definition_key=None if definition_id else key,
        )


def check_not_suspended(row: ProcessInstance) -> None:
    """Conflict if the instance is suspended (Camunda refuses to complete its tasks)."""
    if row.suspended:
        raise Conflict(f"流程实例已挂起 / Process instance {row.id} is suspended")
