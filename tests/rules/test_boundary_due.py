"""A task whose deadline the diagram draws as a boundary timer carries that deadline as its due date
(issue 17 item 8): 陈述申辩 (Task_StateCase) is due when 陈述申辩期满 fires, so the inbox, the due
filters and "my applications" show it like a `camunda:dueDate`."""

from __future__ import annotations

import sqlalchemy as sa

from service.engine.store.models import Job
from tests.rules.test_hearing import fail_evaluation


def test_the_hearing_task_is_due_when_its_boundary_timer_fires(ctx, clock):
    steps, _ = fail_evaluation(ctx, clock)
    [task] = steps.open("lead1")
    assert task.element_id == "Task_StateCase"
    with ctx.unit_of_work(write=False) as uow:
        [timer_due] = uow.session.scalars(
            sa.select(Job.due_at).where(Job.element_id == "Timer_HearingEnd", Job.kind == "timer")
        ).all()
    assert task.due_at is not None and task.due_at == timer_due
