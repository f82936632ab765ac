"""A completion never ends a task someone claimed or was handed while it ran (hostile test of 8 Dec,
F2): a claim is a one-row UPDATE outside the instance lock, so on PostgreSQL it can commit between the
completion's read and its write. Here the claim's effect is written inside the completion, after its
read (a `before_complete` hook, deterministic on both databases); the completion must refuse."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bench.diagrams import W1_KEY, w1_diagram
from service.engine import identities, instances, tasks
from service.engine.deployments import deploy
from service.engine.store.models import HumanTask
from service.errors import Conflict


def _open_task(ctx, instance_id: str) -> HumanTask:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance_id)).one()


@pytest.fixture
def claimed_meanwhile(ctx):
    """While a completion runs (after its locked read), city2 takes the task: its row's assignee changes."""
    def claim(session, _row, task, _clean, _actor, _now) -> None:
        session.connection().execute(sa.update(HumanTask.__table__).where(HumanTask.__table__.c.id == task.id)
                                     .values(assignee="city2"))
    ctx.extensions.before_complete.append(claim)
    yield
    ctx.extensions.before_complete.remove(claim)


@pytest.mark.parametrize("steps", [2, 1], ids=["next task opens (row rewritten)", "last task (row deleted)"])
def test_a_completion_refuses_a_task_claimed_after_it_read_it(ctx, claimed_meanwhile, steps):
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(steps, form_key=None)}, actor=owner)
    started = instances.start_instance(ctx, key=W1_KEY, actor=city)
    first = _open_task(ctx, started.id)
    with pytest.raises(Conflict, match="claimed or handed over"):
        tasks.complete_task(ctx, task_id=first.id, actor=city, data={})
    still = _open_task(ctx, started.id)  # nothing of the refused completion (nor of the hook) was kept
    assert (still.id, still.assignee, still.element_id) == (first.id, None, "Task_1")
