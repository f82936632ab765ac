"""Issue 11, fault 2 through the use cases, on SQLite and PostgreSQL: a timer can no longer hang a request.

Before, a deployed `'P99999999Y'` made the start request loop for about ten minutes at 100 % CPU
(holding SQLite's write lock, so every other write failed after 30 s). Now the literal is refused at
deploy; a value computed at run time answers the person's command with a 4xx naming the element (and
nothing is saved), and when the scheduler's timer job reaches it, it becomes an incident at once.
Every test is limited to a few seconds by SIGALRM, so a regression fails instead of hanging.
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
from service.engine.store.deadline_models import Incident
from service.engine.store.models import Job, ProcessInstance
from service.engine.store.tasks import TaskQuery
from service.errors import InvalidInput
from tests.support.diagrams import diagram

OWNER = Actor(id="owner", groups=frozenset({"process_owner"}))

TWO_TIMERS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_{key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="定时器" isExecutable="true" camunda:candidateStarterGroups="city_clerk">
    <bpmn:startEvent id="Start_T" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_T" targetRef="{first}" />
    {first_timer}
    <bpmn:intermediateCatchEvent id="Timer_Computed" name="计算的期限">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration>"P%dY" % years</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Timer_Computed" targetRef="End_T" />
    <bpmn:endEvent id="End_T" />
  </bpmn:process>
</bpmn:definitions>
"""
FIRST_TIMER = """<bpmn:intermediateCatchEvent id="Timer_First" name="一小时">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Timer_First" targetRef="Timer_Computed" />"""


def two_timers(key: str, *, first: bool) -> bytes:
    return TWO_TIMERS.format(key=key, first="Timer_First" if first else "Timer_Computed",
                             first_timer=FIRST_TIMER if first else "").encode()


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


def city1(ctx) -> Actor:
    actor = identities.actor_for(ctx, "city1")
    assert actor is not None
    return actor


def test_a_huge_literal_duration_is_refused_at_deploy(ctx):
    with within(10), pytest.raises(InvalidInput) as refused:
        deploy(ctx, files={"huge.bpmn": diagram(duration='"P99999999Y"')}, actor=OWNER)
    message = " ".join(refused.value.fields["diagram"])
    assert "Wait" in message and "P99999999Y" in message and "100" in message


def test_a_start_reaching_a_huge_computed_duration_answers_a_4xx_and_saves_nothing(ctx):
    deploy(ctx, files={"start.bpmn": two_timers("timer_at_start", first=False)}, actor=OWNER)
    with within(10), pytest.raises(InvalidInput) as refused:
        instances.start_instance(ctx, key="timer_at_start", actor=city1(ctx), variables={"years": 99999999})
    assert "Timer_Computed" in str(refused.value) and "100" in str(refused.value)
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance)) == 0
    # the database was never held: the next write goes through at once
    with within(10):
        started = instances.start_instance(ctx, key="timer_at_start", actor=city1(ctx),
                                           variables={"years": 1})
    assert started.id


def test_a_task_completion_reaching_a_huge_computed_duration_answers_a_4xx(ctx):
    deploy(ctx, files={"tiny.bpmn": diagram(key="tiny_timer", duration='"P%dY" % amount')}, actor=OWNER)
    started = instances.start_instance(ctx, key="tiny_timer", actor=city1(ctx))
    [task] = tasks.list_tasks(ctx, actor=city1(ctx), query=TaskQuery(instance_id=started.id))
    with within(10), pytest.raises(InvalidInput) as refused:
        tasks.complete_task(ctx, task_id=task.id, actor=city1(ctx), data={"amount": 99999999})
    assert "Wait" in str(refused.value)
    [still_open] = tasks.list_tasks(ctx, actor=city1(ctx), query=TaskQuery(instance_id=started.id))
    assert still_open.id == task.id
    tasks.complete_task(ctx, task_id=task.id, actor=city1(ctx), data={"amount": 2})  # a sane value runs


def test_a_timer_job_reaching_a_huge_computed_duration_becomes_an_incident_at_once(ctx, clock):
    deploy(ctx, files={"job.bpmn": two_timers("timer_in_job", first=True)}, actor=OWNER)
    started = instances.start_instance(ctx, key="timer_in_job", actor=city1(ctx),
                                       variables={"years": 99999999})
    clock.set(clock.now() + timedelta(hours=1, seconds=1))
    with within(20):
        assert jobs.fire_due_jobs(ctx) == 0
    with ctx.unit_of_work(write=False) as uow:
        [incident] = uow.session.scalars(sa.select(Incident).where(Incident.instance_id == started.id)).all()
        job = uow.session.get(Job, incident.job_id)
    assert incident.element_id == "Timer_First" and job.retries == 0  # no retries: it would fail again
    assert "Timer_Computed" in incident.message and "100" in incident.message
