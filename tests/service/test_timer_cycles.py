"""Issue 11, item 2: a cycle timer whose start is in the past skips the missed occurrences (Camunda 7
`DurationHelper.getDateAfterRepeat`: the next due date is the first occurrence strictly after now)
instead of firing once per missed occurrence, and holds one timer job at a time; on SQLite and
PostgreSQL.

Before, a non-interrupting boundary cycle `R/2020-01-01T00:00:00Z/PT1M` on a user task fired once per
minute since 2020 (about 3.6 million firings owed, hundreds of reminder tasks a second).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.actors import Actor
from service.engine import identities, instances, jobs, tasks
from service.engine.deployments import deploy
from service.engine.store.models import Job
from service.engine.store.tasks import TaskQuery
from service.errors import InvalidInput
from tests.support.cycles import cycle_diagram

OWNER = Actor(id="owner", groups=frozenset({"process_owner"}))


@contextmanager
def within(seconds: int) -> Iterator[None]:
    def _expired(_signum, _frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _start(ctx, key: str, cycle: str) -> tuple[str, Actor]:
    deploy(ctx, files={f"{key}.bpmn": cycle_diagram(key, cycle)}, actor=OWNER)
    clerk = identities.actor_for(ctx, "city1")
    assert clerk is not None
    return instances.start_instance(ctx, key=key, actor=clerk).id, clerk


def _reminders(ctx, instance_id: str, clerk: Actor) -> int:
    return len(tasks.list_tasks(ctx, actor=clerk, query=TaskQuery(instance_id=instance_id,
                                                                  element_id="Task_Remind")))


def _pending_jobs(ctx, instance_id: str) -> list[Job]:
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(sa.select(Job).where(Job.instance_id == instance_id,
                                                             Job.kind == "timer")))


def _fire(ctx) -> None:
    with within(20):
        jobs.fire_due_jobs(ctx)


@pytest.mark.parametrize("bounded", [False, True], ids=["R-2020", "R10000-yesterday"])
def test_a_cycle_started_in_the_past_skips_the_missed_occurrences(ctx, clock, bounded):
    # R10000 from yesterday: 1,440 occurrences missed, 8,560 left
    yesterday = (clock.now() - timedelta(days=1, seconds=30)).isoformat()
    cycle = f'"R10000/{yesterday}/PT1M"' if bounded else '"R/2020-01-01T00:00:00Z/PT1M"'
    instance_id, clerk = _start(ctx, "cycle_bounded" if bounded else "cycle_unbounded", cycle)
    _fire(ctx)
    assert _reminders(ctx, instance_id, clerk) == 0  # the occurrences since 2020 are skipped
    [job] = _pending_jobs(ctx, instance_id)  # one pending due time, one job
    assert clock.now() < job.due_at <= clock.now() + timedelta(minutes=1)
    for expected in (1, 2, 3):  # then one firing per minute
        clock.set(clock.now() + timedelta(minutes=1))
        _fire(ctx)
        assert _reminders(ctx, instance_id, clerk) == expected
        assert len(_pending_jobs(ctx, instance_id)) == 1
    clock.set(clock.now() + timedelta(minutes=30))  # a scheduler down for half an hour: one firing, not 30
    _fire(ctx)
    assert _reminders(ctx, instance_id, clerk) == 4
    [job] = _pending_jobs(ctx, instance_id)
    assert clock.now() < job.due_at <= clock.now() + timedelta(minutes=1)


def test_a_cycle_whose_start_is_ahead_waits_for_it(ctx, clock):
    start = clock.now() + timedelta(hours=2)
    instance_id, clerk = _start(ctx, "cycle_later", f'"R2/{start.isoformat()}/PT10M"')
    [job] = _pending_jobs(ctx, instance_id)
    assert job.due_at == start
    clock.set(start - timedelta(seconds=1))
    _fire(ctx)
    assert _reminders(ctx, instance_id, clerk) == 0
    for expected in (1, 2):
        clock.set(start + (expected - 1) * timedelta(minutes=10))
        _fire(ctx)
        assert _reminders(ctx, instance_id, clerk) == expected
    assert _pending_jobs(ctx, instance_id) == []  # R2: done
    clock.set(clock.now() + timedelta(days=1))
    _fire(ctx)
    assert _reminders(ctx, instance_id, clerk) == 2


def test_a_cycle_without_start_fires_its_repetitions_at_its_interval(ctx, clock):
    started = clock.now()
    instance_id, clerk = _start(ctx, "cycle_plain", '"R3/PT10M"')
    for expected in (1, 2, 3):
        [job] = _pending_jobs(ctx, instance_id)
        assert job.due_at == started + expected * timedelta(minutes=10)
        clock.set(job.due_at)
        _fire(ctx)
        assert _reminders(ctx, instance_id, clerk) == expected
    assert _pending_jobs(ctx, instance_id) == []
    clock.set(clock.now() + timedelta(hours=1))
    _fire(ctx)
    assert _reminders(ctx, instance_id, clerk) == 3


def test_a_bounded_cycle_wholly_in_the_past_never_fires(ctx, clock):
    instance_id, clerk = _start(ctx, "cycle_spent", '"R10/2020-01-01T00:00:00Z/PT1M"')
    _fire(ctx)
    clock.set(clock.now() + timedelta(hours=1))
    _fire(ctx)
    assert _reminders(ctx, instance_id, clerk) == 0 and _pending_jobs(ctx, instance_id) == []


def test_a_past_start_deploys_but_the_minimum_interval_still_applies(ctx):
    deploy(ctx, files={"ok.bpmn": cycle_diagram("cycle_ok", '"R/2020-01-01T00:00:00Z/PT1M"')}, actor=OWNER)
    with pytest.raises(InvalidInput) as refused:
        deploy(ctx, files={"fast.bpmn": cycle_diagram("cycle_fast", '"R/2020-01-01T00:00:00Z/PT30S"')},
               actor=OWNER)
    assert "Timer_Remind" in str(refused.value.fields) and "PT30S" in str(refused.value.fields)
