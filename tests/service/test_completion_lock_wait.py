"""A completion that waited for another command's lock on its instance reads the tasks that command left
(issue 18: on PostgreSQL one statement locks the instance and reads its open tasks, and READ COMMITTED
would show a statement that waited the tasks of its snapshot, from before the wait)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from bench.diagrams import FORM_DATA, FORM_KEY, W1_KEY, register_form, w1_diagram
from forms import registry
from service.engine import identities, instances, tasks
from service.engine.deployments import deploy
from service.engine.store import core_writes
from service.engine.store.models import AuditEvent, HumanTask, ProcessInstance
from service.errors import Conflict


@pytest.fixture
def bench_form():
    """The benchmark's one-field form, registered for this test only (the registry is process-wide)."""
    register_form()
    yield
    registry.FORMS.pop(FORM_KEY, None)


def _open_task(ctx, instance_id: str) -> str:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalars(sa.select(HumanTask.id).where(HumanTask.instance_id == instance_id)).one()


def _waiting_on_a_lock(ctx) -> bool:
    with ctx.db.connect() as conn:
        query = ("SELECT count(*) FROM pg_stat_activity"
                 " WHERE wait_event_type = 'Lock' AND datname = current_database()")
        return conn.exec_driver_sql(query).scalar() > 0


def test_a_completion_that_waited_for_the_lock_sees_the_task_completed_meanwhile(ctx, bench_form):
    if ctx.db.dialect.name != "postgresql":
        pytest.skip("SQLite's writer holds the database from BEGIN IMMEDIATE: nothing is read before it")
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(3)}, actor=owner)
    started = instances.start_instance(ctx, key=W1_KEY, actor=city)
    first = _open_task(ctx, started.id)
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock(*_args) -> None:  # the first completion, between its lock and its save
        if not holding.is_set():
            holding.set()
            assert release.wait(30)

    ctx.extensions.before_complete.append(hold_the_lock)
    outcome: list = []

    def complete_first() -> None:
        tasks.complete_task(ctx, task_id=first, actor=city, data=FORM_DATA)
        outcome.append("completed")

    holder = threading.Thread(target=complete_first)
    holder.start()
    assert holding.wait(30)
    waiter_error: list[BaseException] = []

    def complete_again() -> None:  # the same task, by a second request: its statement waits for the lock
        try:
            tasks.complete_task(ctx, task_id=first, actor=city, data=FORM_DATA)
            outcome.append("completed twice")
        except Conflict as exc:
            waiter_error.append(exc)

    waiter = threading.Thread(target=complete_again)
    waiter.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock(ctx):
        assert time.monotonic() < deadline, "the second completion never waited for the lock"
        time.sleep(0.01)
    release.set()
    holder.join(30)
    waiter.join(30)
    assert outcome == ["completed"]
    assert len(waiter_error) == 1
    # found among the fresh tasks as gone ("already completed"), not run into the engine with stale ones
    assert "has already been completed" in str(waiter_error[0])
    second = _open_task(ctx, started.id)
    assert second != first
    with ctx.unit_of_work(write=False) as uow:
        done = uow.session.scalars(sa.select(AuditEvent.task_id).where(AuditEvent.action == "task.completed"))
        assert list(done) == [first]
    tasks.complete_task(ctx, task_id=second, actor=city, data=FORM_DATA)  # the instance goes on


def test_writing_an_instance_over_a_version_changed_meanwhile_is_a_conflict(ctx, bench_form):
    """The Core UPDATE of a save keeps the mapper's optimistic check: a row read at a version another
    transaction has since advanced is not overwritten (409), and nothing of it is written."""
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(2)}, actor=owner)
    started = instances.start_instance(ctx, key=W1_KEY, actor=city)
    with ctx.unit_of_work() as uow:
        row = uow.session.get(ProcessInstance, started.id)
        stored = row.version
        set_committed_value(row, "version", stored - 1)  # as read before another command saved it
        with pytest.raises(Conflict):
            core_writes.update_instance(uow.session, row, {"state_json": "{}"})
    with ctx.unit_of_work(write=False) as uow:
        after = uow.session.get(ProcessInstance, started.id)
        assert after.version == stored and after.state_json != "{}"
