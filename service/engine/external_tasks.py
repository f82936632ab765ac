"""External tasks with Camunda 7's contract (issue 16): workers fetch and lock, complete, report
failures and BPMN errors, extend or give up their lock; administrators list them and set retries.

A service task `camunda:type="external" camunda:topic="X"` whose topic no in-process handler serves
waits in the engine (workflows/instance.py) and is projected into the `external_task` table with every
save (store/external_tasks.sync). A lock expires by itself at `lock_expires_at` (the product's clock,
`ctx.now()`), and the task can then be fetched by another worker. A complete, failure or extendLock
from a worker other than the one holding the most recent lock is refused (400, Camunda's
BadUserRequestException); a task that no longer exists is 404. Completing and BPMN errors go through
the one change path (commands.run_command), so audit, history and projections follow.

Who: external tasks are integrators' work. The caller must be an administrator or a process owner
(the accounts the bureau gives to its connected systems). Anyone else sees no external tasks (lists are
empty, a task is 404) and fetchAndLock answers 403. Reads are further scoped to the instances the caller
may see (store/instances.visible_filter), as the rest of the API.
Every change is audited (`externalTask.*`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..actors import ADMIN, PROCESS_OWNER, Actor
from ..clock import SHANGHAI
from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from . import extension_runtime as hooks
from . import personal_data
from .commands import run_command
from .store import audit, instances
from .store import external_tasks as store
from .store.db import is_postgres
from .store.deadline_models import Incident
from .store.external_task_models import ExternalTask
from .store.models import ProcessInstance
from .typed_variables import TypedVariables, stored_types

FAILED_EXTERNAL_TASK = "failedExternalTask"
WORKER_GROUPS = (ADMIN, PROCESS_OWNER)
NOT_FOUND = "外部任务不存在 / External task with id {id} does not exist"


class WorkerViolation(InvalidInput):
    """A worker acted on a task whose most recent lock it does not hold (Camunda answers 400)."""


@dataclass(frozen=True)
class TopicRequest:
    """One entry of fetchAndLock's `topics`: lockDuration in milliseconds, `variables` None = all."""

    topic: str
    lock_duration_ms: int
    variables: list[str] | None = None
    local_variables: bool = False
    business_key: str | None = None
    definition_ids: Collection[str] = ()
    definition_keys: Collection[str] = ()
    process_variables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Locked:
    """A task a worker just locked, with the variables it asked for (plain values)."""

    task: ExternalTask
    variables: dict[str, Any]
    suspended: bool = False
    error_message: str | None = None
    """The task's last errorMessage and errorDetails as the worker may read them (personal_data)."""
    error_details: str | None = None


def may_work(actor: Actor) -> bool:
    """Whether `actor` may act as an external-task worker or administer external tasks."""
    return actor.has(*WORKER_GROUPS)


def check_worker(actor: Actor) -> None:
    """Forbidden unless `actor` may act as an external-task worker or administer external tasks."""
    if not may_work(actor):
        raise Forbidden(
            "只有系统管理员或流程管理员可以处理外部任务 / "
            "Only administrators and process owners may work on external tasks"
        )


def fetch_and_lock(
    ctx: Context,
    *,
    actor: Actor,
    worker_id: str,
    max_tasks: int,
    use_priority: bool,
    topics: list[TopicRequest],
    newest_first: bool = False,
) -> list[Locked]:
    """Lock up to `max_tasks` fetchable tasks of `topics` for `worker_id` (one attempt, no waiting).

    Order: priority (highest first) when `use_priority`, then creation (oldest first unless
    `newest_first`). Tasks locked by a concurrent
    fetch are skipped (SKIP LOCKED on PostgreSQL; SQLite serialises writers).
    """
    check_worker(actor)
    now = ctx.now()
    out: list[Locked] = []
    if max_tasks <= 0 or not topics:
        return out
    for request in topics:  # refuse a duration past the calendar before locking anything
        until(now, request.lock_duration_ms, "lockDuration")
    pg = is_postgres(ctx.db)
    with ctx.unit_of_work() as uow:
        session = uow.session
        for request in topics:
            remaining = max_tasks - len(out)
            if remaining <= 0:
                break
            stmt = (
                sa.select(ExternalTask)
                .join(ProcessInstance, ProcessInstance.id == ExternalTask.instance_id)
                .where(
                    instances.visible_filter(actor),
                    *store.fetchable(
                        request.topic,
                        now,
                        business_key=request.business_key,
                        definition_ids=request.definition_ids,
                        definition_keys=request.definition_keys,
                    ),
                )
            )
            order = [ExternalTask.priority.desc()] if use_priority else []
            created = ExternalTask.created_at.desc() if newest_first else ExternalTask.created_at
            stmt = stmt.order_by(*order, created, ExternalTask.id)
            if request.process_variables:
                stmt = stmt.limit(max(remaining * 20, 100))
            else:
                stmt = stmt.limit(remaining)
            stmt = stmt.with_for_update(skip_locked=pg, of=ExternalTask)
            for task in session.scalars(stmt.execution_options(populate_existing=True)):
                if len(out) >= max_tasks:
                    break
                # the instance row next, never waiting (a command holds it: the task is skipped this
                # time): commands lock instance -> audit stream -> task, so this order cannot deadlock
                row = instances.lock(session, task.instance_id, skip_locked=pg)
                if row is None:
                    continue
                seen, types, locals_, local_types = store.task_view(
                    task, json.loads(row.variables_json or "{}"), stored_types(row.variable_types_json))
                data = hooks.filter_variables(ctx.extensions, session, row.id, actor, seen)
                if not variables_match(data, types, request.process_variables):
                    continue
                if request.local_variables:  # Camunda: only the task's own execution's variables
                    data, types = {k: v for k, v in data.items() if k in locals_}, local_types
                chosen = data if request.variables is None else {
                    k: data[k] for k in request.variables if k in data}
                _take_lock(session, actor, task, worker_id, request.lock_duration_ms, now)
                message, details = _errors_for(session, actor, task)
                out.append(Locked(task, TypedVariables(chosen, types), row.suspended, message, details))
        uow.commit()
    return out


def variables_match(data: dict[str, Any], types: dict[str, str], wanted: dict[str, Any]) -> bool:
    """fetchAndLock's `processVariables`: every named variable equals the given value (Camunda's
    processInstanceVariableEquals). A `Date` variable is compared as a moment, so the worker's
    `2026-03-02T09:00:00.000+0800` matches it whatever offset or precision either side was written in;
    a date without offset is Qingdao time, as everywhere on /engine-rest."""
    for name, value in wanted.items():
        if name not in data:
            return False
        have = data[name]
        if types.get(name) == "Date" or isinstance(have, datetime):
            if _moment(have) is None or _moment(have) != _moment(value):
                return False
        elif isinstance(have, bool) or isinstance(value, bool):
            if have is not value:
                return False
        elif have != value:
            return False
    return True


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def wait_for_tasks(seconds: float) -> None:
    """Block up to `seconds` of real time, or until this process commits new external tasks."""
    store.wait_for_arrival(seconds)


def on_arrival(listener: Callable[[frozenset[str]], None]) -> Callable[[], None]:
    """Call `listener(topics)` after each commit in this process that adds external tasks of `topics`
    (from the committing thread; it must not block). Returns the function that unsubscribes it."""
    return store.on_arrival(listener)


def fetchable_topics(ctx: Context, topics: Collection[str]) -> set[str]:
    """Which of `topics` have a task a worker could lock now, in any process's doing (new tasks, expired
    locks, failures whose retryTimeout passed, unlocks): a hint for waking parked long polls, which
    then fetch with the caller's scope and filters. One query, whatever the number of waiters."""
    with ctx.unit_of_work(write=False) as uow:
        return store.fetchable_topics(uow.session, topics, ctx.now())


def list_tasks(
    ctx: Context,
    *,
    actor: Actor,
    filters: store.Filters,
    first: int = 0,
    limit: int | None = None,
    sort: str = "created",
    descending: bool = False,
) -> list[tuple[ExternalTask, bool]]:
    """The external tasks the caller may see, with their instance's suspension state."""
    if not may_work(actor):
        return []  # outside the caller's scope: as if there were none
    columns = {
        "id": ExternalTask.id,
        "lockExpirationTime": ExternalTask.lock_expires_at,
        "processInstanceId": ExternalTask.instance_id,
        "processDefinitionId": ExternalTask.definition_id,
        "processDefinitionKey": ExternalTask.definition_key,
        "taskPriority": ExternalTask.priority,
        "createTime": ExternalTask.created_at,
        "created": ExternalTask.created_at,
    }
    column = columns.get(sort, ExternalTask.created_at)
    stmt = store.query(actor, filters, ctx.now()).add_columns(ProcessInstance.suspended)
    stmt = stmt.order_by(column.desc() if descending else column, ExternalTask.id).offset(first)
    if limit is not None:
        stmt = stmt.limit(limit)
    with ctx.unit_of_work(write=False) as uow:
        out = []
        for task, suspended in uow.session.execute(stmt):
            message, details = _errors_for(uow.session, actor, task)
            if (message, details) != (task.error_message, task.error_details):
                uow.session.expunge(task)  # a read copy: the stored error stays as it was
                task.error_message, task.error_details = message, details
            out.append((task, bool(suspended)))
        return out


def _errors_for(session: Session, actor: Actor, task: ExternalTask) -> tuple[str | None, str | None]:
    """The task's errorMessage and errorDetails (a worker's stack trace) as `actor` may read them: the
    instance's personal identifiers masked unless entitled (personal_data.text_for_reader)."""
    return (personal_data.text_for_reader(session, task.instance_id, actor, task.error_message),
            personal_data.text_for_reader(session, task.instance_id, actor, task.error_details))


def count_tasks(ctx: Context, *, actor: Actor, filters: store.Filters) -> int:
    if not may_work(actor):
        return 0
    stmt = sa.select(sa.func.count()).select_from(store.query(actor, filters, ctx.now()).subquery())
    with ctx.unit_of_work(write=False) as uow:
        return int(uow.session.scalar(stmt) or 0)


def get_task(ctx: Context, *, actor: Actor, task_id: str) -> tuple[ExternalTask, bool]:
    """The task and its instance's suspension state. Raises NotFound (also outside the caller's scope)."""
    found = list_tasks(ctx, actor=actor, filters=store.Filters(ids=[task_id]), limit=1)
    if not found:
        raise NotFound(NOT_FOUND.format(id=task_id))
    return found[0]


def topic_names(
    ctx: Context, *, actor: Actor, locked: bool = False, unlocked: bool = False, retries_left: bool = False
) -> list[str]:
    """Distinct topics of the visible external tasks (Camunda's GET /external-task/topic-names)."""
    filters = store.Filters(locked=locked, not_locked=unlocked, with_retries_left=retries_left)
    return sorted({task.topic for task, _ in list_tasks(ctx, actor=actor, filters=filters)})


def complete(
    ctx: Context,
    *,
    actor: Actor,
    task_id: str,
    worker_id: str,
    variables: dict[str, Any],
    local_variables: dict[str, Any] | None = None,
) -> None:
    """The worker finished: `variables` become process variables and the instance moves on.

    `local_variables` live on the task's own scope: its `camunda:outputParameter`s read them, then they
    end with it, as in Camunda (workflows/scope.finish_external). Raises NotFound, WorkerViolation,
    Forbidden, Conflict.
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        row, task = _locked_for_worker(session, actor, task_id, worker_id, "completed")
        _not_suspended(row)
        element = task.element_id
        locals_ = local_variables or {}
        run_command(
            ctx,
            session,
            row,
            actor,
            lambda r, h, n: r.complete_external_task(task_id, variables, h, n, locals_),
            now,
        )
        audit.record(
            session,
            actor=actor,
            action="externalTask.completed",
            at=now,
            instance_id=row.id,
            task_id=task_id,
            element_id=element,
            detail={
                "workerId": worker_id,
                "variables": sorted(variables),
                "localVariables": sorted(local_variables or {}),
            },
        )
        uow.commit()


def bpmn_error(
    ctx: Context,
    *,
    actor: Actor,
    task_id: str,
    worker_id: str,
    code: str,
    message: str | None,
    variables: dict[str, Any],
) -> None:
    """The worker reports business error `code`: the task's error boundary event catching it takes over.
    Raises NotFound, WorkerViolation, InvalidInput (no boundary event catches the code)."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        row, task = _locked_for_worker(session, actor, task_id, worker_id, "reported a BPMN error for")
        _not_suspended(row)
        element = task.element_id
        run_command(
            ctx,
            session,
            row,
            actor,
            lambda r, h, n: r.throw_bpmn_error(task_id, code, message, variables, h, n),
            now,
        )
        audit.record(
            session,
            actor=actor,
            action="externalTask.bpmnError",
            at=now,
            instance_id=row.id,
            task_id=task_id,
            element_id=element,
            detail={
                "workerId": worker_id,
                "errorCode": code,
                "errorMessage": message,
                "variables": sorted(variables),
            },
        )
        uow.commit()


def failure(
    ctx: Context,
    *,
    actor: Actor,
    task_id: str,
    worker_id: str,
    message: str | None,
    details: str | None,
    retries: int,
    retry_timeout_ms: int,
) -> None:
    """The worker failed: the task keeps `retries` and is fetchable again after `retry_timeout_ms`;
    at 0 retries it becomes an incident until an administrator sets retries (Camunda's handleFailure)."""
    if retries < 0 or retry_timeout_ms < 0:
        raise InvalidInput(
            "retries 与 retryTimeout 不能为负 / retries and retryTimeout must not be negative",
            {"retries": ["须为非负整数 / must be a non-negative integer"]},
        )
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        row, task = _locked_for_worker(session, actor, task_id, worker_id, "reported a failure for")
        task.error_message = (message or "")[:4000] or None
        task.error_details = details
        task.retries = retries
        task.lock_expires_at = until(now, retry_timeout_ms, "retryTimeout")
        _audit(
            session,
            actor,
            "externalTask.failed",
            task,
            now,
            {
                "workerId": worker_id,
                "errorMessage": task.error_message,
                "retries": retries,
                "retryTimeout": retry_timeout_ms,
            },
        )
        if retries == 0 and not store.incidents_of(session, task.id):
            open_incident(session, actor, task, row, now)
        uow.commit()


def extend_lock(ctx: Context, *, actor: Actor, task_id: str, worker_id: str, new_duration_ms: int) -> None:
    """The worker that holds the current, unexpired lock extends it to now + `new_duration_ms`."""
    _positive(new_duration_ms, "newDuration")
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        _, task = _locked_for_worker(session, actor, task_id, worker_id, "extended the lock of")
        if task.lock_expires_at is None or task.lock_expires_at <= now:
            raise WorkerViolation(
                f"外部任务 {task_id} 的锁已过期 / The lock of the External Task {task_id} "
                f"cannot be extended by worker '{worker_id}': the lock has expired"
            )
        task.lock_expires_at = until(now, new_duration_ms, "newDuration")
        _audit(
            session,
            actor,
            "externalTask.lockExtended",
            task,
            now,
            {"workerId": worker_id, "lockExpiresAt": task.lock_expires_at.isoformat()},
        )
        uow.commit()


def lock(ctx: Context, *, actor: Actor, task_id: str, worker_id: str, lock_duration_ms: int) -> None:
    """Lock one task for `worker_id` (Camunda's POST /external-task/{id}/lock): refused while another
    worker holds an unexpired lock."""
    _positive(lock_duration_ms, "lockDuration")
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        task, _ = _task_for_update(session, actor, task_id)
        if task.lock_expires_at is not None and task.lock_expires_at > now and task.worker_id != worker_id:
            raise WorkerViolation(
                f"外部任务 {task_id} 已被其他工作者锁定 / External Task {task_id} is already "
                f"locked by worker '{task.worker_id}'"
            )
        _take_lock(session, actor, task, worker_id, lock_duration_ms, now)
        uow.commit()


def unlock(ctx: Context, *, actor: Actor, task_id: str) -> None:
    """Clear the lock: the task can be fetched again at once."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        task, _ = _task_for_update(session, actor, task_id)
        previous = task.worker_id
        task.worker_id, task.lock_expires_at = None, None
        _audit(session, actor, "externalTask.unlocked", task, now, {"previousWorkerId": previous})
        uow.commit()


def set_retries(ctx: Context, *, actor: Actor, task_id: str, retries: int) -> None:
    """An administrator sets the retries: more than 0 resolves the task's incident, 0 opens one."""
    if retries < 0:
        raise InvalidInput(
            "重试次数不能为负 / retries must not be negative",
            {"retries": ["须为非负整数 / must be a non-negative integer"]},
        )
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        task, row = _task_for_update(session, actor, task_id)
        resolved = store.incidents_of(session, task.id) if retries > 0 else []
        for incident in resolved:
            session.delete(incident)
        task.retries = retries
        _audit(
            session,
            actor,
            "externalTask.retriesSet",
            task,
            now,
            {"retries": retries, "resolved": [i.id for i in resolved]},
        )
        if retries == 0 and not store.incidents_of(session, task.id):
            open_incident(session, actor, task, row, now)
        uow.commit()


def open_incident(
    session: Session, actor: Actor, task: ExternalTask, row: ProcessInstance | None, now: datetime
) -> Incident:
    """The one place an external task becomes an incident (Camunda's `failedExternalTask`): listed by
    GET /engine-rest/incident until retries are set again."""
    incident = Incident(
        id=str(uuid.uuid4()),
        job_id=None,
        external_task_id=task.id,
        instance_id=task.instance_id,
        definition_id=row.definition_id if row is not None else task.definition_id,
        element_id=task.element_id,
        incident_type=FAILED_EXTERNAL_TASK,
        message=task.error_message or "外部任务失败 / external task failed",
        created_at=now,
    )
    session.add(incident)
    _audit(
        session,
        actor,
        "incident.created",
        task,
        now,
        {"incident": incident.id, "type": FAILED_EXTERNAL_TASK, "error": incident.message},
    )
    return incident


# --- internals ------------------------------------------------------------------------------------------


def _task_for_update(session: Session, actor: Actor, task_id: str) -> tuple[ExternalTask, ProcessInstance]:
    """The task (and its instance, locked first: the same order as every command) or NotFound."""
    if not may_work(actor):
        raise NotFound(NOT_FOUND.format(id=task_id))  # non-workers see no external tasks
    found = session.scalar(sa.select(ExternalTask.instance_id).where(ExternalTask.id == task_id))
    if found is None:
        raise NotFound(NOT_FOUND.format(id=task_id))
    try:
        instances.get_visible(session, found, actor)
    except NotFound:
        raise NotFound(NOT_FOUND.format(id=task_id)) from None
    row = instances.lock(session, found)
    task = session.scalars(
        sa.select(ExternalTask).where(ExternalTask.id == task_id).execution_options(populate_existing=True)
    ).first()
    if task is None:  # the instance moved past it while we waited for the lock
        raise NotFound(NOT_FOUND.format(id=task_id))
    return task, row


def until(now: datetime, duration_ms: int, field_name: str) -> datetime:
    """`now` + `duration_ms` milliseconds. Raises InvalidInput naming `field_name` when the moment would
    fall past the last representable date (9999-12-31), instead of an overflow error."""
    try:
        return now + timedelta(milliseconds=duration_ms)
    except (OverflowError, ValueError):
        raise InvalidInput(
            f"{field_name} 过大 / {field_name} is too large: {duration_ms} ms from now is past 9999-12-31",
            {field_name: ["过大 / too large"]},
        ) from None


def _take_lock(session: Session, actor: Actor, task: ExternalTask, worker_id: str, duration_ms: int,
               now: datetime) -> None:
    """`worker_id` holds `task` for `duration_ms` from `now` (fetchAndLock and lock alike); audited."""
    task.worker_id = worker_id
    task.lock_expires_at = until(now, duration_ms, "lockDuration")
    _audit(session, actor, "externalTask.locked", task, now,
           {"workerId": worker_id, "lockExpiresAt": task.lock_expires_at.isoformat()})


def _locked_for_worker(
    session: Session, actor: Actor, task_id: str, worker_id: str, verb: str
) -> tuple[ProcessInstance, ExternalTask]:
    task, row = _task_for_update(session, actor, task_id)
    if task.worker_id != worker_id:
        holder = f"It is locked by worker '{task.worker_id}'." if task.worker_id else "It is not locked."
        raise WorkerViolation(
            f"外部任务 {task_id} 不能由工作者 {worker_id} 处理 / External Task {task_id} cannot be {verb} "
            f"by worker '{worker_id}'. {holder}",
            {"workerId": [f"not the worker holding the lock of {task_id}"]},
        )
    return row, task


def _not_suspended(row: ProcessInstance) -> None:
    if row.suspended:
        raise Conflict(f"流程实例已挂起 / Process instance {row.id} is suspended")


def _positive(value: int, name: str) -> None:
    if value <= 0:
        raise InvalidInput(
            f"{name} 须为正整数 / '{name}' must be a positive number of milliseconds",
            {name: ["须为正整数 / must be positive"]},
        )


def _audit(
    session: Session, actor: Actor, action: str, task: ExternalTask, now: datetime, detail: dict[str, Any]
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        at=now,
        instance_id=task.instance_id,
        task_id=task.id,
        element_id=task.element_id,
        detail={"topic": task.topic, **detail},
    )
