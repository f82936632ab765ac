"""How many SQL statements one task completion sends (issue 18): counted, never timed.

W1, the benchmark's diagram (bench/diagrams.py: a straight line of user tasks with one-field forms),
completed task by task through the use case, as a request would. The figure printed by `python -m
bench w1` is asserted here as a ceiling, so a change that adds a statement to every completion shows
up as a failing test rather than as a slower benchmark someone has to notice.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bench.diagrams import FORM_DATA, FORM_KEY, W1_KEY, register_form, w1_diagram
from bench.support import SqlCounter
from forms import registry
from service.engine import history, identities, instances, tasks
from service.engine.deployments import deploy
from service.engine.store.models import AuditEvent, HumanTask

CEILING = {"sqlite": 7, "postgresql": 7}
"""Statements per W1 completion. SQLite: its `BEGIN IMMEDIATE`, one read (the instance, its open tasks,
whether it has jobs, its audit tail), the activity rows (1 upsert), the task rows (1: the ended task's
row rewritten into the next one's, its candidate rows kept), the instance row (1), the variable the form
wrote (1 INSERT into historic_detail, for `/history/detail`) when the form changed one, the audit events
(1 INSERT). PostgreSQL: no BEGIN statement, the row lock and the read in one statement (two when it
waited for another command on the instance), and the audit stream's advisory lock with its tail one
more (`consortium_audit_tail`), before its INSERT."""


def _open_task(ctx, instance_id: str) -> str | None:
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(HumanTask.id).where(HumanTask.instance_id == instance_id)
        return uow.session.scalars(query).first()


@pytest.fixture
def bench_form():
    """The benchmark's one-field form, registered for this test only (the registry is process-wide)."""
    register_form()
    yield
    registry.FORMS.pop(FORM_KEY, None)


def test_a_completion_sends_a_bounded_number_of_statements_and_keeps_every_record(ctx, bench_form):
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(4)}, actor=owner)
    counter = SqlCounter(ctx.db)
    started = instances.start_instance(ctx, key=W1_KEY, actor=city)
    per_completion = []
    while (task_id := _open_task(ctx, started.id)) is not None:
        before = counter.statements
        with counter.counting():
            tasks.complete_task(ctx, task_id=task_id, actor=city, data=FORM_DATA)
        per_completion.append(counter.statements - before)
    assert len(per_completion) == 4
    assert max(per_completion) <= CEILING[ctx.db.dialect.name], per_completion
    assert counter.commits == 4
    # what the fewer statements still write: the audit trail, the activity history, the instance's end
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(AuditEvent.action).where(AuditEvent.instance_id == started.id)
        actions = list(uow.session.scalars(query.order_by(AuditEvent.seq)))
    assert actions.count("task.completed") == 4 and actions.count("task.created") == 4
    assert actions[-1] == "task.completed" and "instance.completed" in actions
    activities = [a for a, _type in history.historic_activities(ctx, actor=city, instance_id=started.id)]
    assert [a.element_id for a in activities] == ["Start_W1", *(f"Task_{i}" for i in range(1, 5)), "End_W1"]
    assert all(a.end is not None and not a.canceled for a in activities)
    assert instances.get_instance(ctx, instance_id=started.id, actor=city)["status"] == "completed"
