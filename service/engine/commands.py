"""The one path by which a use case changes a running instance: lock, restore, act, save, project, audit.

Every command (complete a task, correlate a message, fire a timer) goes through `run_command`, so the
locking, the engine error mapping and the projections are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from workflows.engine import Instance as RunningInstance
from workflows.errors import EngineError, InvalidData, InvalidTimer, NotWaitingForMessage, TaskNotReady

from ..actors import Actor
from ..consortium import consortia, reminders
from ..context import Context
from ..errors import Conflict, InvalidInput, ProcessFailed
from .store import audit, definitions, instances
from .store.models import ProcessInstance

Action = Callable[[RunningInstance, dict, datetime], None]


def restore(ctx: Context, session: Session, row: ProcessInstance) -> RunningInstance:
    """The running instance; its definition's spec is read from the database only on a spec-cache miss
    (a 38 kB column per command otherwise, bench/ issue 8)."""
    return ctx.workflows.restore(
        lambda: definitions.spec_json(session, row.definition_id),
        cache_key=row.definition_id,
        state_json=row.state_json,
    )


def run_command(
    ctx: Context, session: Session, row: ProcessInstance, actor: Actor, action: Action, now: datetime
) -> RunningInstance:
    """Apply `action` to the locked instance `row` and write everything back in this transaction."""
    running = restore(ctx, session, row)
    act_and_save(ctx, session, row, running, actor, action, now)
    return running


def act_and_save(
    ctx: Context,
    session: Session,
    row: ProcessInstance,
    running: RunningInstance,
    actor: Actor,
    action: Action,
    now: datetime,
) -> None:
    handlers = consortia.handlers(session, row, actor, now, settings=ctx.config.deadlines)
    was_completed = running.completed
    try:
        action(running, handlers, now)
    except TaskNotReady as exc:
        raise Conflict(f"任务已不再待办 / The task is no longer open: {exc}") from exc
    except InvalidData as exc:
        message = f"数据无法保存 / The data cannot be stored: {exc}"
        raise InvalidInput(message, {"_schema": [str(exc)]}) from exc
    except NotWaitingForMessage as exc:
        raise Conflict(f"流程当前不接收该消息 / The process is not waiting for this message: {exc}") from exc
    except InvalidTimer as exc:  # a date/duration the data made absurd: the caller's data, nothing saved
        message = f"流程无法继续 / The process cannot continue: {exc}"
        raise InvalidInput(message, {"_schema": [str(exc)]}) from exc
    except EngineError as exc:
        raise ProcessFailed(f"流程执行失败 / The process could not continue: {exc}") from exc
    except ProcessFailed:
        raise
    except (LookupError, ValueError, TypeError) as exc:
        raise ProcessFailed(f"流程执行失败 / The process could not continue: {exc}") from exc
    created = instances.save(session, row, running, now)
    session.flush()
    reminders.project(session, row, ctx.config.deadlines, now)
    consortia.sync(session, row, running, now)
    for task in created:
        audit.record(
            session,
            actor=actor,
            action="task.created",
            at=now,
            instance_id=row.id,
            task_id=task.id,
            element_id=task.element_id,
            detail={"name": task.name, "assignee": task.assignee},
        )
    if running.completed and not was_completed:
        audit.record(
            session,
            actor=actor,
            action="instance.completed",
            at=now,
            instance_id=row.id,
            element_id=running.end_element_id,
        )
