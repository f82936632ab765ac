"""The one path by which a use case changes a running instance: lock, restore, act, save, project, audit.

Every command (complete a task, correlate a message, fire a timer) goes through `run_command`, so the
locking, the engine error mapping and the projections are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from forms.messages import SEPARATOR
from workflows.decision_task import bound as decisions_bound
from workflows.engine import Instance as RunningInstance
from workflows.errors import (
    EngineError,
    ErrorNotCaught,
    InvalidData,
    InvalidTimer,
    NotWaitingForMessage,
    ScriptFailed,
    StepBudgetExceeded,
    TaskNotReady,
)
from workflows.listeners import bound

from ..actors import Actor
from ..context import Context
from ..errors import Conflict, DiagramFailed, InvalidInput, ProcessFailed
from . import called, decisions
from . import extension_runtime as hooks
from .store import audit, external_tasks, instances, messages
from .store.models import ProcessInstance

Action = Callable[[RunningInstance, dict, datetime], None]


def diagram_message(zh: str, en: str, exc: EngineError) -> str:
    """A bilingual "中文 / English" message for a diagram's failure whose Chinese half alone names the
    element and the reason: pages show one half (service/web/i18n.bilingual splits at the first
    SEPARATOR), and the engine error's own text is itself bilingual, so nesting it whole would leave
    the Chinese reader only "流程执行失败"."""
    inner_zh, found, inner_en = str(exc).partition(SEPARATOR)
    if not found:
        inner_zh = inner_en = str(exc)
    if isinstance(exc, ScriptFailed) and not isinstance(exc, StepBudgetExceeded):
        where = f"{exc.process_key or '?'}/{exc.element_id or '?'}"
        where += f" 第 {exc.line} 行" if exc.line else ""
        if where not in inner_zh:
            inner_zh = f"{inner_zh}（{where}）：{exc.reason}"
    inner_zh = inner_zh.replace(SEPARATOR, "／")
    return f"{zh}：{inner_zh}{SEPARATOR}{en}: {inner_en}"


def unstorable_input(exc: InvalidData) -> InvalidInput:
    """A 400 for data that cannot be stored (workflows.data.check_variables: names the variable and the
    element); nothing is saved (issue 12 fault 7)."""
    message = f"数据无法保存 / The data cannot be stored: {exc}"
    return InvalidInput(message, {"_schema": [str(exc)]})


def restore(ctx: Context, session: Session, row: ProcessInstance) -> RunningInstance:
    """The running instance; its definition's spec is read from the database only on a spec-cache miss
    (a 38 kB column per command otherwise, bench/ issue 8)."""
    return ctx.workflows.restore(
        called.spec_loader(session, row.definition_id, row.called_spec_id),
        cache_key=row.called_spec_id or row.definition_id,
        state_json=row.state_json,
    )


def _flush_if_pending(session: Session) -> None:
    """Flush what the save left to the unit of work (grants, jobs, variable details), if anything: the
    instance row and the tasks went to the database at once (store/core_writes.py)."""
    if session.new or session.deleted or session.dirty:
        session.flush()


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
    """Act on `running` with the domain's service handlers and the diagram's declared listeners bound to
    this transaction, then save, project (registered `after_save` hooks) and audit."""
    handlers = hooks.service_handlers(ctx.extensions, session, row, actor, now, ctx.config.deadlines)
    binding = hooks.binding(ctx.extensions, session, row, actor, now)
    was_completed = running.completed
    had_messages = bool(running.message_subscriptions())  # no query for instances that never wait on one
    had_external = running.declares_topics() and bool(running.external_tasks({}))  # nor external tasks
    lookup = decisions.lookup_for(session, row.definition_id)  # business-rule tasks (issue 15 item 6)
    try:
        with bound(binding), decisions_bound(lookup):
            action(running, handlers, now)
    except TaskNotReady as exc:
        raise Conflict(f"任务已不再待办 / The task is no longer open: {exc}") from exc
    except InvalidData as exc:
        raise unstorable_input(exc) from exc
    except ErrorNotCaught as exc:  # a worker's BPMN error the diagram does not model: nothing is saved
        message = diagram_message("BPMN 错误未被捕获", "BPMN error not caught", exc)
        raise InvalidInput(message, {"errorCode": [str(exc)]}) from exc
    except NotWaitingForMessage as exc:
        raise Conflict(f"流程当前不接收该消息 / The process is not waiting for this message: {exc}") from exc
    except InvalidTimer as exc:  # a date/duration the data made absurd: the caller's data, nothing saved
        message = diagram_message("流程无法继续", "The process cannot continue", exc)
        raise InvalidInput(message, {"_schema": [str(exc)]}) from exc
    except EngineError as exc:  # diagram code: a script, condition, sandbox limit, the step budget
        raise DiagramFailed(diagram_message("流程执行失败", "The process could not continue", exc)) from exc
    except ProcessFailed:
        raise
    except (LookupError, ValueError, TypeError) as exc:
        raise ProcessFailed(f"流程执行失败 / The process could not continue: {exc}") from exc
    canceled: list = []
    try:
        created = instances.save(session, row, running, now, canceled)
        _flush_if_pending(session)
        with bound(binding), decisions_bound(lookup):
            if hooks.tasks_created(running, created):  # create listeners may set variables: store them too
                instances.save(session, row, running, now, canceled)
                _flush_if_pending(session)
    except InvalidData as exc:  # the serializer's net under every checked path (Instance.serialize)
        raise unstorable_input(exc) from exc
    for task, end in canceled:  # Camunda: the task ends, deleteReason "deleted", canceled (issue 12)
        audit.record(
            session,
            actor=actor,
            action="task.canceled",
            at=now,
            instance_id=row.id,
            task_id=task.id,
            element_id=task.element_id,
            detail={"name": task.name, "deleteReason": end.reason, "cause": end.cause},
        )
    if had_external or (running.declares_topics() and running.external_tasks({})):  # none before or after
        external_tasks.sync(session, row, running, handlers, now)
    if had_messages or running.message_subscriptions():
        messages.sync(session, row, running, now)
    hooks.after_save(ctx.extensions, session, row, running, now, ctx.config.deadlines)
    instances.forget_instance_jobs(session)
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
    if running.completed and not was_completed and not running.cancelled:
        audit.record(
            session,
            actor=actor,
            action="instance.completed",
            at=now,
            instance_id=row.id,
            element_id=running.end_element_id,
        )
