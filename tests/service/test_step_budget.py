"""Issue 11: a diagram that loops without a wait state can no longer hold a request (and the database).

Before, a loop of script tasks and gateways ran inside one transaction until SpiffWorkflow lost sight
of the tasks deeper than 1,000 and counted the instance *completed* without reaching its end event,
after seconds to minutes (hours with slow scripts) holding SQLite's write lock or PostgreSQL's row
lock. Now each command has an engine step budget (workflows/budget.py): a person's command is
refused with a 4xx naming the element, nothing saved; a timer job becomes an incident at once.
On SQLite and PostgreSQL; each test is bounded by SIGALRM so a regression fails instead of hanging.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.engine import instances, jobs, tasks
from service.engine.deployments import deploy
from service.engine.store.deadline_models import Incident
from service.engine.store.models import Job, ProcessInstance
from service.engine.store.tasks import TaskQuery
from service.errors import DiagramFailed
from tests.service.test_timer_bounds import OWNER, city1, within
from tests.support.loops import loop_diagram

ENDLESS = {"n": 0, "limit": 10**9}


def _stopped_in_loop(message: str) -> bool:
    in_loop = "Script_Loop" in message or "Gateway_Loop" in message
    return in_loop and ("MAX_ENGINE_STEPS" in message or "MAX_ENGINE_CPU_SECONDS" in message)


def test_a_start_reaching_an_endless_script_loop_is_refused_and_saves_nothing(ctx):
    deploy(ctx, files={"loop.bpmn": loop_diagram("loop_start")}, actor=OWNER)
    with within(30), pytest.raises(DiagramFailed) as refused:
        instances.start_instance(ctx, key="loop_start", actor=city1(ctx), variables=ENDLESS)
    assert _stopped_in_loop(str(refused.value)), str(refused.value)
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance)) == 0
    with within(10):  # the database was released: the next write goes through at once
        done = instances.start_instance(ctx, key="loop_start", actor=city1(ctx),
                                        variables={"n": 0, "limit": 200})
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.get(ProcessInstance, done.id).status == "completed"


def test_a_legitimate_loop_of_200_passes_completes_at_its_end_event(ctx):
    deploy(ctx, files={"loop.bpmn": loop_diagram("loop_ok")}, actor=OWNER)
    started = instances.start_instance(ctx, key="loop_ok", actor=city1(ctx), variables={"n": 0, "limit": 200})
    view = instances.get_instance(ctx, instance_id=started.id, actor=city1(ctx))
    assert view["status"] == "completed", view
    assert view["variables"]["n"] == 200


def test_a_completion_reaching_an_endless_gateway_ring_is_refused_and_the_task_stays_open(ctx):
    deploy(ctx, files={"loop.bpmn": loop_diagram("loop_task", entry="task", body="gateway")}, actor=OWNER)
    started = instances.start_instance(ctx, key="loop_task", actor=city1(ctx), variables=ENDLESS)
    [task] = tasks.list_tasks(ctx, actor=city1(ctx), query=TaskQuery(instance_id=started.id))
    with within(30), pytest.raises(DiagramFailed) as refused:
        tasks.complete_task(ctx, task_id=task.id, actor=city1(ctx), data={})
    message = str(refused.value)
    assert "Gateway_Back" in message or "Gateway_Loop" in message, message
    [still_open] = tasks.list_tasks(ctx, actor=city1(ctx), query=TaskQuery(instance_id=started.id))
    assert still_open.id == task.id


def test_a_timer_job_reaching_an_endless_loop_becomes_an_incident_at_once(ctx, clock):
    deploy(ctx, files={"loop.bpmn": loop_diagram("loop_timer", entry="timer")}, actor=OWNER)
    started = instances.start_instance(ctx, key="loop_timer", actor=city1(ctx), variables=ENDLESS)
    clock.set(clock.now() + timedelta(hours=1, seconds=1))
    with within(30):
        assert jobs.fire_due_jobs(ctx) == 0
    with within(10):  # the scheduler moved on: nothing is due any more, the job is not retried
        assert jobs.fire_due_jobs(ctx) == 0
    with ctx.unit_of_work(write=False) as uow:
        [incident] = uow.session.scalars(sa.select(Incident).where(Incident.instance_id == started.id)).all()
        job = uow.session.get(Job, incident.job_id)
        row = uow.session.get(ProcessInstance, started.id)
    assert job.retries == 0 and incident.element_id == "Timer_Wait"
    assert _stopped_in_loop(incident.message), incident.message
    assert row.status == "active"  # still waiting at the timer: the failed firing saved nothing
