"""The rows a command writes on every save, written with Core statements instead of the unit of work.

A completion's save rewrites the instance row and its task projection (issue 18): through the ORM that
was `session.add`/`session.delete` and a flush, whose unit-of-work bookkeeping cost more than SQLite
running the statements. Here the statements go to the database at once, in the command's transaction,
and the session is left as a flush would have left it:

* the instance row: one UPDATE of the columns that changed, guarded by its `version` (the optimistic
  check the mapper's `version_id_col` makes): no row updated means a concurrent change, a 409 Conflict;
  the object's attributes are then set as committed (not dirty: no second UPDATE at the next flush);
* new tasks: INSERTs of the task rows and their candidate rows (plain rows: no TaskCandidate objects);
  the HumanTask objects are attached to the session as persistent, as if loaded (their `candidates`
  load on access), so `session.get` finds them and nothing inserts them again;
* ended tasks: one DELETE (candidates go by ON DELETE CASCADE); their objects are expunged, still
  readable (the audit records a canceled task's name), and `session.get` no longer finds them;
* a task ending while another opens (a sequential step, the common case): the ended row is rewritten
  into the new task with one UPDATE, its candidate rows following the id (ON UPDATE CASCADE) and kept
  when the two candidate sets are the same (`candidate_keys`), instead of a DELETE and two INSERTs.

Lengths are checked as before a flush (store/lengths.py), so an over-long value is still a 400 naming
the field on both databases.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ...errors import Conflict
from . import direct_sql, lengths
from .models import HumanTask, ProcessInstance, TaskCandidate

STALE = "流程实例已被他人修改，请刷新后重试 / The process instance changed meanwhile; reload and retry"
_INSTANCE = ProcessInstance.__table__
_TASK = HumanTask.__table__
_CANDIDATE = TaskCandidate.__table__


def update_instance(session: Session, row: ProcessInstance, values: dict[str, Any]) -> None:
    """Write `values` (attribute name -> value) to the instance row: a pending (new) row through the
    unit of work, a stored one with one UPDATE checking and advancing its `version` (none when nothing
    changed).

    Raises:
        Conflict: the row's version changed since it was read (another transaction wrote it).
        InvalidInput: a string longer than its column.
    """
    values = {key: value for key, value in values.items() if getattr(row, key) != value}
    lengths.check_rows(ProcessInstance, [values])
    state = sa.inspect(row)
    if not state.persistent:
        for key, value in values.items():
            setattr(row, key, value)
        return
    if not values:
        return
    version = row.version
    params = {**values, "_id": row.id, "_version": version}
    if direct_sql.execute(session.connection(), _update(tuple(sorted(values))), params) != 1:
        raise Conflict(STALE)
    for key, value in values.items():
        set_committed_value(row, key, value)
    set_committed_value(row, "version", version + 1)


LOCKED = "locked_instance_versions"
"""`session.info` key (PostgreSQL): instance id -> (row, version when locked) of the rows this transaction
locked; see `advance_untouched`."""


def remember_lock(session: Session, row: ProcessInstance) -> None:
    """Note that this transaction holds `row`'s lock (PostgreSQL), for `advance_untouched` at commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.info.setdefault(LOCKED, {}).setdefault(row.id, (row, row.version))


@event.listens_for(Session, "before_commit")
def advance_untouched(session: Session) -> None:
    """Advance the version of every instance this transaction locked and did not write (PostgreSQL).

    The invariant `instances.lock_and_read` relies on: a transaction that held an instance's lock
    committed a new `version` of it, so a statement that waited for the lock sees that it did (its
    locked row's version differs from its snapshot's) and reads the tasks again. A command that saved
    advanced it already; one that only changed tasks under the lock (resolving a delegated task) gets
    this one UPDATE."""
    locked = session.info.pop(LOCKED, None)
    if not locked:
        return
    for row, version in locked.values():
        if row.version != version or row not in session or row in session.deleted or session.is_modified(row):
            continue  # written (a modified row's flush advances it), or gone
        updated = direct_sql.execute(session.connection(), _update(()), {"_id": row.id, "_version": version})
        if updated == 1:  # none: the transaction deleted the instance
            set_committed_value(row, "version", version + 1)


@event.listens_for(Session, "after_soft_rollback")
def _forget_locks(session: Session, _previous) -> None:
    session.info.pop(LOCKED, None)


@functools.lru_cache(maxsize=64)
def _update(keys: tuple[str, ...]) -> sa.Update:
    """The UPDATE of these columns, built once per set of columns (a save changes the same few)."""
    return (
        sa.update(_INSTANCE)
        .where(_INSTANCE.c.id == sa.bindparam("_id"), _INSTANCE.c.version == sa.bindparam("_version"))
        .values({**{key: sa.bindparam(key) for key in keys}, "version": _INSTANCE.c.version + 1})
    )


def insert_tasks(session: Session, tasks: list[HumanTask], candidates: dict[str, list[dict]]) -> None:
    """Insert the new task rows (the objects carry every column) and their candidate rows (`candidates`:
    task id -> rows), and attach the objects to the session as persistent."""
    if not tasks:
        return
    task_rows = [{key: getattr(task, key) for key in _TASK_KEYS} for task in tasks]
    candidate_rows = [row for task in tasks for row in candidates.get(task.id, ())]
    lengths.check_rows(HumanTask, task_rows)
    lengths.check_rows(TaskCandidate, candidate_rows)
    connection = session.connection()  # on the session's connection: not the ORM's execute path
    direct_sql.execute(connection, _INSERT_TASK, task_rows)
    if candidate_rows:
        direct_sql.execute(connection, _INSERT_CANDIDATE, candidate_rows)
    _attach(session, tasks)


def _attach(session: Session, tasks: list[HumanTask]) -> None:
    """Attach task objects whose rows were just written as persistent, as if loaded: their `candidates`,
    never set, are expired and load on access (most commands never read them)."""
    for task in tasks:
        make_transient_to_detached(task)
        session.add(task)  # detached -> persistent


def candidate_keys(candidates: list[dict]) -> str:
    """The candidate set (`task_candidate` rows) in one canonical string (`HumanTask.candidate_keys`):
    equal for equal sets."""
    return json.dumps(sorted([c["kind"], c["value"], c["scope_key"] or ""] for c in candidates),
                      ensure_ascii=False)


def replace_tasks(session: Session, pairs: list[tuple[HumanTask, HumanTask]],
                  candidates: dict[str, list[dict]]) -> None:
    """Rewrite each (ended, new) pair's ended task row into the new task: one UPDATE of every column,
    the id included (the candidate rows follow by ON UPDATE CASCADE); the candidate rows are rewritten
    (from `candidates`: task id -> rows) only where the sets differ. The ended objects are expunged, the
    new ones attached as persistent.

    Raises:
        Conflict: an ended task's row is gone, or its assignee changed since it was read
            (`_read_assignee`).
        InvalidInput: a string longer than its column.
    """
    if not pairs:
        return
    task_rows = [{"_old": ended.id, "_assignee": _read_assignee(ended),
                  **{f"new_{key}": getattr(task, key) for key in _TASK_KEYS}} for ended, task in pairs]
    lengths.check_rows(HumanTask, [{key: getattr(task, key) for key in _TASK_KEYS} for _, task in pairs])
    changed = [task for ended, task in pairs if ended.candidate_keys != task.candidate_keys]
    candidate_rows = [row for task in changed for row in candidates.get(task.id, ())]
    lengths.check_rows(TaskCandidate, candidate_rows)
    connection = session.connection()
    if direct_sql.execute(connection, _REPLACE, task_rows) not in (-1, len(pairs)):
        raise Conflict(STALE_TASK)
    if changed:
        connection.execute(_DELETE_CANDIDATES, {"ids": [task.id for task in changed]})
    if candidate_rows:
        direct_sql.execute(connection, _INSERT_CANDIDATE, candidate_rows)
    for ended, _ in pairs:
        if ended in session:
            session.expunge(ended)
    _attach(session, [task for _, task in pairs])


STALE_TASK = ("任务已被他人认领或转办，请刷新后重试 / The task was claimed or handed over meanwhile;"
              " reload and retry")


def _read_assignee(task: HumanTask) -> str | None:
    """The assignee the command read (before any change of its own not yet written): a task row is
    ended only if it still has it. A claim or hand-over is a one-row UPDATE that does not take the
    instance lock, so on PostgreSQL one can commit while a completion that read the task unassigned
    runs; the completion then refuses (409) instead of ending a task someone else now holds
    (hostile test of 8 Dec, F2). Camunda's optimistic lock on the task's revision refuses the same."""
    committed = sa.inspect(task).committed_state
    return committed.get("assignee", task.assignee)


def delete_tasks(session: Session, tasks: list[HumanTask]) -> None:
    """Delete these task rows (their candidates by ON DELETE CASCADE) and expunge their objects.

    Raises:
        Conflict: a row is gone or its assignee changed since it was read (`_read_assignee`).
    """
    if not tasks:
        return
    rows = [{"_old": task.id, "_assignee": _read_assignee(task)} for task in tasks]
    if direct_sql.execute(session.connection(), _DELETE, rows) not in (-1, len(tasks)):
        raise Conflict(STALE_TASK)
    for task in tasks:
        if task in session:
            session.expunge(task)


_INSERT_TASK = sa.insert(_TASK)
_INSERT_CANDIDATE = sa.insert(_CANDIDATE)
_UNCHANGED = sa.and_(_TASK.c.id == sa.bindparam("_old"),
                     _TASK.c.assignee.is_not_distinct_from(sa.bindparam("_assignee", type_=sa.String)))
_DELETE = sa.delete(_TASK).where(_UNCHANGED)
_DELETE_CANDIDATES = sa.delete(_CANDIDATE).where(
    _CANDIDATE.c.task_id.in_(sa.bindparam("ids", expanding=True)))
_TASK_KEYS = tuple(attr.key for attr in sa.inspect(HumanTask).column_attrs)
_REPLACE = (sa.update(_TASK).where(_UNCHANGED)
            .values({_TASK.c[key]: sa.bindparam(f"new_{key}") for key in _TASK_KEYS}))
_CANDIDATE_KEYS = tuple(attr.key for attr in sa.inspect(TaskCandidate).column_attrs)
