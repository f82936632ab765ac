"""Named queries over process instances, and the projections rewritten with every save."""

from __future__ import annotations

import functools
import json
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from workflows import activity_log
from workflows.engine import Instance as RunningInstance
from workflows.engine import TaskEnd
from workflows.model import UserTask

from ...actors import DISTRICT_CLERK, Actor
from ...errors import NotFound
from ..typed_variables import kept_types, stored_types
from . import activity_history, audit, core_writes, direct_sql, variable_history
from .models import AuditEvent, HumanTask, InstanceAccess, Job, ProcessInstance, TaskCandidate
from .tasks import WITHOUT_CANDIDATES, OpenTask, actor_keys, scope_key

NOT_FOUND = "流程实例不存在 / Process instance {id} does not exist"


def visible_filter(actor: Actor):
    """The instances `actor` may see, as a WHERE clause: everything else "does not exist" for them."""
    if actor.sees_everything:
        return sa.true()
    clauses = []
    if actor.has(DISTRICT_CLERK) and actor.district:
        clauses.append(ProcessInstance.district == actor.district)
    grants = [("user", actor.id)]
    if actor.org_credit_code:
        grants.append(("org", actor.org_credit_code))
    clauses.append(
        sa.exists().where(
            InstanceAccess.instance_id == ProcessInstance.id,
            sa.or_(*[sa.and_(InstanceAccess.kind == k, InstanceAccess.value == v) for k, v in grants]),
        )
    )
    return sa.or_(*clauses)


def get_visible(session: Session, instance_id: str, actor: Actor) -> ProcessInstance:
    row = session.scalars(
        sa.select(ProcessInstance).where(ProcessInstance.id == instance_id, visible_filter(actor))
    ).first()
    if row is None:
        raise NotFound(NOT_FOUND.format(id=instance_id))
    return row


def of_visible_task(session: Session, task: HumanTask) -> ProcessInstance:
    """The instance of a task the caller may see (`tasks.get_visible`): seeing a task is reading its
    instance's variables and form, as Camunda's READ on a task is (its candidate users and groups'
    members too, who may see nothing else of the instance)."""
    row = session.get(ProcessInstance, task.instance_id)
    if row is None:
        raise NotFound(NOT_FOUND.format(id=task.instance_id))
    return row


def definition_ids(session: Session, instance_ids: set[str]) -> dict[str, str]:
    """Instance id -> the id of the process definition it runs ({} for no ids: no statement)."""
    if not instance_ids:
        return {}
    query = sa.select(ProcessInstance.id, ProcessInstance.definition_id)
    return {i: d for i, d in session.execute(query.where(ProcessInstance.id.in_(instance_ids)))}


def lock(session: Session, instance_id: str, *, skip_locked: bool = False) -> ProcessInstance | None:
    """Take the instance for this transaction (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE).

    With `skip_locked`, returns None instead of waiting when another transaction holds it.
    """
    row = session.scalars(
        sa.select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    ).first()
    if row is None and not skip_locked:
        raise NotFound(NOT_FOUND.format(id=instance_id))
    if row is not None:
        core_writes.remember_lock(session, row)
    return row


def lock_of_task(session: Session, task_id: str) -> ProcessInstance | None:
    """The instance of the open task `task_id`, taken as `lock` takes it (one statement: the task's
    instance is found inside the locking query); None when no such task is open."""
    row = session.scalars(_LOCK_OF_TASK, {"task_id": task_id}).first()
    if row is not None:
        core_writes.remember_lock(session, row)
    return row


_OWNER = sa.select(HumanTask.instance_id).where(HumanTask.id == sa.bindparam("task_id")).scalar_subquery()
_LOCK_OF_TASK = (sa.select(ProcessInstance).where(ProcessInstance.id == _OWNER).with_for_update()
                 .execution_options(populate_existing=True))


OPEN_TASKS = "open_tasks"
"""`session.info` key: instance id -> {task id: HumanTask} of its open tasks in this transaction."""


def open_tasks(session: Session, instance_id: str) -> dict[str, HumanTask]:
    """The instance's open task rows (candidates not loaded), read once per transaction: a command that
    already read them under the instance lock leaves them here (`remember_open_tasks`), and `save`
    keeps them in step with what it adds and deletes. For the projections written after a save."""
    cache = session.info.setdefault(OPEN_TASKS, {})
    if instance_id not in cache:
        query = sa.select(HumanTask).where(HumanTask.instance_id == instance_id).options(WITHOUT_CANDIDATES)
        cache[instance_id] = {t.id: t for t in session.scalars(query)}
    return cache[instance_id]


def lock_and_read(session: Session, task_id: str, actor: Actor
                  ) -> tuple[ProcessInstance, list[OpenTask]] | None:
    """The instance of the open task `task_id`, locked as `lock` locks it, and every open task of that
    instance freshly read, each with whether it is offered to `actor`; None when no such task is open.

    What a completion reads, answering also what its save would ask (issue 18): whether the instance
    has any job (none: `instance_jobs` needs no query) and, on SQLite, the tail of the instance's
    audit stream and the last event id (store/audit.py `know_tail`). SQLite's writer holds the
    database from `BEGIN IMMEDIATE` to its commit, so one statement reads it all. PostgreSQL locks the
    row in the same statement (`FOR UPDATE OF process_instance`), but READ COMMITTED reads the tasks of
    a statement that waited for the lock from the snapshot taken before the wait: the statement also
    reads the instance's version as its snapshot saw it, and when the locked row's differs (the
    transaction it waited for wrote the instance: every holder of the lock advances it,
    core_writes.advance_untouched) the tasks are read again by a second statement. It reads the audit
    tail after the stream's advisory lock. The tasks are kept for `open_tasks`. The statements are
    built once per set of the actor's scope keys (building and hashing one costs more than SQLite
    running it)."""
    keys = tuple(actor_keys(actor))
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    statement = _lock_and_read_sqlite(keys) if sqlite else _lock_and_read_postgresql(keys)
    found = direct_sql.fetch(connection, statement, {"task_id": task_id})
    if not found:
        return None
    instance_end = len(_INSTANCE_ATTRS)
    row = _persistent(session, ProcessInstance, _INSTANCE_ATTRS, found[0][:instance_end])
    tasks = [r[instance_end:] for r in found]  # task columns, offered, has_jobs, then the extras
    extras = found[0][instance_end + len(_TASK_ATTRS) + 2:]
    if sqlite:
        tail_hash, tail_seq, last_event_id = extras
        audit.know_tail(session, row.id, tail_hash, tail_seq, last_id=last_event_id)
    else:
        core_writes.remember_lock(session, row)
        if extras[0] != row.version:  # waited for a command on the instance: its tasks read afresh
            tasks = direct_sql.fetch(connection, _tasks_after_lock(keys), {"instance_id": row.id})
    task_end = len(_TASK_ATTRS)
    read = [(_persistent(session, HumanTask, _TASK_ATTRS, r[:task_end]), r[task_end], r[task_end + 1])
            for r in tasks]
    _keep(session, row.id, read)
    return row, [OpenTask(task, bool(offered)) for task, offered, _ in read]


def _open_tasks_columns(keys: tuple[str, ...], instance_id) -> list:
    """Every column of a task row, whether it is offered under `keys` (bound one by one, not as an
    expanding IN: the statement runs on the cursor) and whether its instance has a job."""
    task, candidate, job = HumanTask.__table__, TaskCandidate.__table__, Job.__table__
    offered = task.c.id.in_(sa.select(candidate.c.task_id).where(
        candidate.c.scope_key.in_([sa.literal(key) for key in keys])))
    has_jobs = sa.exists().where(job.c.instance_id == instance_id)
    return [*task.c, offered.label("offered"), has_jobs.label("has_jobs")]


@functools.lru_cache(maxsize=256)
def _tasks_after_lock(keys: tuple[str, ...]) -> sa.Select:
    task = HumanTask.__table__
    instance_id = sa.bindparam("instance_id")
    return sa.select(*_open_tasks_columns(keys, instance_id)).where(task.c.instance_id == instance_id)


def _locked_read(keys: tuple[str, ...], *extras) -> sa.Select:
    """The instance's columns, then each open task's (`_open_tasks_columns`), then `extras`: Core, on
    the tables (run on the cursor, store/direct_sql.py; the rows become objects in `_persistent`)."""
    instance, task = _INSTANCE, HumanTask.__table__
    owner = sa.select(task.c.instance_id).where(task.c.id == sa.bindparam("task_id")).scalar_subquery()
    return (sa.select(*instance.c, *_open_tasks_columns(keys, instance.c.id), *extras)
            .select_from(task.join(instance, instance.c.id == task.c.instance_id))
            .where(instance.c.id == owner))


@functools.lru_cache(maxsize=256)
def _lock_and_read_postgresql(keys: tuple[str, ...]) -> sa.Select:
    """… and the instance's version as the statement's snapshot saw it (a correlated subquery on another
    alias of the table: in a `SELECT … FOR UPDATE` that waited for the lock, the locked row is read again
    at its newest version but this still answers the version before the wait), the instance row locked
    (FOR UPDATE OF process_instance)."""
    seen = _INSTANCE.alias("seen")
    seen_version = sa.select(seen.c.version).where(seen.c.id == _INSTANCE.c.id).scalar_subquery()
    return _locked_read(keys, seen_version.label("seen_version")).with_for_update(of=_INSTANCE)


@functools.lru_cache(maxsize=256)
def _lock_and_read_sqlite(keys: tuple[str, ...]) -> sa.Select:
    """… and the audit tail's hash and seq and the last event id (SQLite's writer holds the database
    from BEGIN IMMEDIATE: nothing moves under this read)."""
    event = AuditEvent.__table__
    last = sa.select(event.c.hash).where(event.c.stream == _INSTANCE.c.id)
    last = last.order_by(event.c.seq.desc()).limit(1)
    return _locked_read(
        keys,
        last.scalar_subquery().label("tail_hash"),
        last.with_only_columns(event.c.seq).scalar_subquery().label("tail_seq"),
        sa.select(sa.func.max(event.c.id)).scalar_subquery().label("last_event_id"),
    )


_INSTANCE = ProcessInstance.__table__
_INSTANCE_ATTRS = tuple(sa.inspect(ProcessInstance).get_property_by_column(c).key for c in _INSTANCE.c)
_TASK_ATTRS = tuple(sa.inspect(HumanTask).get_property_by_column(c).key for c in HumanTask.__table__.c)


def _persistent(session: Session, cls: type, attrs: tuple[str, ...], values) -> object:
    """The row `values` (in `attrs` order) as a persistent object of the session, as a query would
    load it: an object already in the identity map gets the values as committed (populate_existing);
    else a new one is attached with `make_transient_to_detached` ("as though freshly loaded", its
    unloaded relationships expired: they load on access)."""
    loaded = dict(zip(attrs, values, strict=True))
    mapper = sa.inspect(cls)
    existing = session.identity_map.get(mapper.identity_key_from_primary_key([loaded["id"]]))
    if existing is not None:
        for name, value in loaded.items():
            set_committed_value(existing, name, value)
        return existing
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(loaded)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


def _keep(session: Session, instance_id: str, found) -> None:
    """Keep the open tasks read (rows: task, offered, has_jobs, …) for `open_tasks`, and that the
    instance has no job for `instance_jobs`."""
    session.info.setdefault(OPEN_TASKS, {})[instance_id] = {r[0].id: r[0] for r in found}
    if found and not found[0][2]:
        session.info.setdefault(INSTANCE_JOBS, {})[instance_id] = []
        session.info.setdefault(JOBS_KNOWN, set()).add(instance_id)


def list_visible(
    session: Session,
    actor: Actor,
    *,
    business_key: str | None = None,
    definition_key: str | None = None,
    status: str | None = None,
    first: int = 0,
    limit: int = 100,
) -> list[ProcessInstance]:
    query = sa.select(ProcessInstance).where(visible_filter(actor))
    if business_key:
        query = query.where(ProcessInstance.business_key == business_key)
    if definition_key:
        query = query.where(ProcessInstance.definition_key == definition_key)
    if status:
        query = query.where(ProcessInstance.status == status)
    query = query.order_by(ProcessInstance.started_at, ProcessInstance.id).offset(first).limit(limit)
    return list(session.scalars(query))


def grant(session: Session, instance_id: str, kind: str, value: str | None) -> None:
    """Let an organisation or user see the instance (idempotent within and across transactions)."""
    if not value:
        return
    granted = _access_of(session, instance_id)
    if (kind, value) not in granted:
        granted.add((kind, value))
        session.add(InstanceAccess(instance_id=instance_id, kind=kind, value=value))


def _access_of(session: Session, instance_id: str) -> set[tuple[str, str]]:
    """Who may already see the instance, read once per transaction: every command grants again."""
    cache = session.info.setdefault("access", {})
    if instance_id not in cache:
        query = sa.select(InstanceAccess.kind, InstanceAccess.value)
        rows = session.execute(query.where(InstanceAccess.instance_id == instance_id))
        cache[instance_id] = {(kind, value) for kind, value in rows}
    return cache[instance_id]


def save(session: Session, row: ProcessInstance, running: RunningInstance, now: datetime,
         canceled: list[tuple[HumanTask, TaskEnd]] | None = None) -> list[HumanTask]:
    """Write the state and rewrite the task and job projections; returns the tasks that just appeared.

    Open tasks that disappeared without a person completing them (an interrupting boundary event, a
    terminate end event, issue 12 fault 8) are appended to `canceled` with how they ended, for the
    caller to record in the audit trail (history is projected from it)."""
    new = not row.state_json
    values: dict = {"state_json": running.serialize(), "updated_at": now}
    variables, types = running.typed_variables()
    types = kept_types(stored_types(row.variable_types_json), variables, types)
    previous = row.variables_json
    variables_json = json.dumps(variables, ensure_ascii=False, default=str)
    if variables_json != previous:  # a detail per new or changed value (/history/detail)
        values["variables_json"] = variables_json
        before = json.loads(previous) if previous else {}
        variable_history.record_changes(session, row.id, before, json.loads(variables_json), types, now)
    types_json = json.dumps(types, ensure_ascii=False) if types else None
    if types_json != row.variable_types_json:
        values["variable_types_json"] = types_json
    if running.completed:
        values.update(status="completed", end_element_id=running.end_element_id, ended_at=row.ended_at or now)
    activity, activity_seq = activity_history.prepare(row, activity_log.drain(running.workflow), now, new=new)
    if activity_seq != row.activity_seq:
        values["activity_seq"] = activity_seq
    core_writes.update_instance(session, row, values)
    if sa.inspect(row).pending:
        session.flush()  # the rows written next (Core) refer to the instance row
    activity_history.write(session, activity)
    created = _sync_tasks(session, row, running, now, canceled)
    known = session.info.setdefault(JOBS_KNOWN, set())
    if row.id in known:  # read with the open tasks just now (`read_for_command`)
        known.discard(row.id)
    else:  # read afresh by every other save: an earlier save of this command flushed
        session.info.setdefault(INSTANCE_JOBS, {}).pop(row.id, None)
    engine_jobs = instance_jobs(session, row.id)  # every kind in one query, for the post-save hooks too
    _sync_timers(session, row, running, now, [j for j in engine_jobs if j.kind == "timer"])
    _sync_async_jobs(session, row, running, now, [j for j in engine_jobs if j.kind == ASYNC])
    return created


INSTANCE_JOBS = "instance_jobs"
"""`session.info` key: instance id -> the jobs `save` read; `forget_instance_jobs` drops it."""
JOBS_KNOWN = "instance_jobs_known"
"""`session.info` key: ids of instances whose jobs `read_for_command` learnt, for the next save."""


def instance_jobs(session: Session, instance_id: str) -> list[Job]:
    """The instance's jobs of every kind as they stand in this transaction: read once by `save` for its
    timers and asynchronous continuations and for the projections after it (reminders, progress), then
    kept current with the jobs added (`session.add`) and deleted (`session.delete`) since; read here
    when no save read them (the command path drops them after its post-save hooks)."""
    cache = session.info.setdefault(INSTANCE_JOBS, {})
    if instance_id not in cache:
        cache[instance_id] = list(session.scalars(sa.select(Job).where(Job.instance_id == instance_id)))
    current = [j for j in cache[instance_id] if j not in session.deleted and not sa.inspect(j).was_deleted]
    current += [j for j in session.new if isinstance(j, Job) and j.instance_id == instance_id
                and j not in current]
    cache[instance_id] = current
    return list(current)


def forget_instance_jobs(session: Session) -> None:
    """Drop what `instance_jobs` keeps (after the post-save hooks, so a later read sees flushed work)."""
    session.info.pop(INSTANCE_JOBS, None)
    session.info.pop(JOBS_KNOWN, None)


def _sync_tasks(
    session: Session, row: ProcessInstance, running: RunningInstance, now: datetime,
    canceled: list[tuple[HumanTask, TaskEnd]] | None = None,
) -> list[HumanTask]:
    # Candidates are not loaded: deleting a task leaves its candidate rows to ON DELETE CASCADE.
    existing = open_tasks(session, row.id)
    ready = {t.task_id: t for t in running.user_tasks()}
    ended = []
    for task_id in existing.keys() - ready.keys():
        end = running.ended(task_id)
        if end.canceled and canceled is not None:
            canceled.append((existing[task_id], end))
        ended.append(existing.pop(task_id))
    for task_id in ready.keys() & existing.keys():  # locals (MI counters, task-locals) move while it is open
        context = task_context(ready[task_id])
        if existing[task_id].context_json != context:
            existing[task_id].context_json = context
    created, candidates = [], {}
    for task_id in ready.keys() - existing.keys():
        task = ready[task_id]
        human = HumanTask(
            id=task_id,
            instance_id=row.id,
            definition_key=row.definition_key,
            process_key=task.process_key,
            business_key=row.business_key,
            element_id=task.element_id,
            name=task.name,
            form_key=task.form_key,
            assignee=task.assignee,
            owner=None,
            delegation_state=None,
            organisation=task.candidate_organisation,
            district=row.district,
            priority=task.priority if task.priority is not None else 50,
            due_at=task.due_at,
            follow_up_at=task.follow_up_at,
            created_at=now,
            context_json=task_context(task),
            properties_json=json.dumps(task.properties, ensure_ascii=False, default=str),
        )
        candidates[task_id] = [
            _candidate("group", g, task, row) for g in dict.fromkeys(task.candidate_groups)
        ] + [_candidate("user", u, task, row) for u in dict.fromkeys(task.candidate_users)]
        human.candidate_keys = core_writes.candidate_keys(candidates[task_id])
        created.append(human)
        existing[task_id] = human
        if task.assignee:
            grant(session, row.id, "user", task.assignee)
        for user in task.candidate_users:
            grant(session, row.id, "user", user)
        grant(session, row.id, "org", task.candidate_organisation)
    recycled = min(len(ended), len(created))  # an ended row becomes a new task's (core_writes.replace_tasks)
    pairs = list(zip(ended[:recycled], created[:recycled], strict=True))
    core_writes.replace_tasks(session, pairs, candidates)
    core_writes.delete_tasks(session, ended[recycled:])
    core_writes.insert_tasks(session, created[recycled:], candidates)
    return created


def task_context(task: UserTask) -> str:
    """The task's own variables as stored on its row (`HumanTask.context_json`): `item`, the element a
    multi-instance child's form works on (whatever the element variable is called); `locals`, its local
    variables (element variable, `loopCounter`, the MI body's counters, input parameters, task-local
    variables set over REST; issue 12 fault 3, issue 16) with `localTypes`, their Camunda types where
    JSON hides them; and `called`, the variables of the called process instance a call activity's task
    runs in (issue 12 fault 4)."""
    context: dict = {}
    if task.mi_item is not None:
        context["item"] = task.mi_item
    if task.local_variables:
        context["locals"] = task.local_variables
    if task.local_types:
        context["localTypes"] = task.local_types
    if task.called_scope is not None:
        context["called"] = task.called_scope
    return json.dumps(context, ensure_ascii=False, default=str)


def task_locals(context_json: str | None) -> tuple[dict, dict, dict]:
    """`({"item": …} or {}, local values, their Camunda types)` of a task row's `context_json`."""
    context = json.loads(context_json or "{}")
    item = {"item": context["item"]} if "item" in context else {}
    return item, dict(context.get("locals") or {}), dict(context.get("localTypes") or {})


def called_variables(context_json: str | None) -> dict | None:
    """The called process instance's variables a call activity's task sees instead of its caller's,
    or None for a task of the instance's own process."""
    called = json.loads(context_json or "{}").get("called")
    return dict(called) if called is not None else None


def _candidate(kind: str, value: str, task, row: ProcessInstance) -> dict[str, str]:
    """A `task_candidate` row of the new task (written as a row: the task's `candidates` load on access)."""
    key = scope_key(kind, value, organisation=task.candidate_organisation, district=row.district)
    return {"task_id": task.task_id, "kind": kind, "value": value, "scope_key": key}


ASYNC = "async"
"""Job kind of an asynchronous continuation (camunda:asyncBefore/asyncAfter, workflows/asynchronous.py)."""


def _sync_async_jobs(session: Session, row: ProcessInstance, running: RunningInstance, now: datetime,
                     jobs: list[Job]) -> None:
    """One job, due now, per step parked at an asynchronous continuation; a job whose step is no longer
    parked (it ran, or the process moved past it) goes. `jobs`: the instance's async jobs."""
    existing = {j.task_id: j for j in jobs}
    parked = {j.task_id: j for j in running.async_jobs()}
    for task_id in existing.keys() - parked.keys():
        session.delete(existing[task_id])
    for task_id in parked.keys() - existing.keys():
        session.add(Job(id=str(uuid.uuid4()), instance_id=row.id, kind=ASYNC, task_id=task_id,
                        element_id=parked[task_id].element_id, due_at=now, retries=3, created_at=now))


def _sync_timers(session: Session, row: ProcessInstance, running: RunningInstance, now: datetime,
                 jobs: list[Job]) -> None:
    existing = {j.task_id: j for j in jobs}
    waiting = {t.task_id: t for t in running.timers()}
    for task_id in existing.keys() - waiting.keys():
        session.delete(existing[task_id])
    for task_id, timer in waiting.items():
        job = existing.get(task_id)
        if job is None:
            session.add(
                Job(
                    id=str(uuid.uuid4()),
                    instance_id=row.id,
                    kind="timer",
                    task_id=task_id,
                    element_id=timer.element_id,
                    due_at=timer.due_at,
                    retries=3,
                    created_at=now,
                )
            )
        elif job.due_at != timer.due_at:
            job.due_at = timer.due_at
