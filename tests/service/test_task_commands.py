"""Completing, claiming and validating tasks: exactly-once completion and no lost input."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from service.engine import instances, tasks
from service.engine.store.models import AuditEvent, ProcessInstance
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.procedure import FORMS, Walk


def test_completing_a_task_twice_gives_one_completion_and_a_conflict(ctx):
    walk = Walk(ctx)
    walk.start()
    task = walk.tasks_of("lead1", "Task_Initiate")[0]
    tasks.complete_task(ctx, task_id=task.id, actor=walk.actor("lead1"), data=FORMS["Task_Initiate"])
    with pytest.raises(Conflict) as refused:
        tasks.complete_task(ctx, task_id=task.id, actor=walk.actor("lead1"), data=FORMS["Task_Initiate"])
    assert "已办结" in str(refused.value) or "no longer open" in str(refused.value)
    assert [t.element_id for t in walk.tasks_of("lead1")] == ["Task_InviteMembers"]


def test_two_connections_completing_at_once_give_exactly_one_completion(ctx):
    walk = Walk(ctx)
    walk.start()
    task = walk.tasks_of("lead1", "Task_Initiate")[0]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete() -> None:
        barrier.wait()
        try:
            tasks.complete_task(ctx, task_id=task.id, actor=walk.actor("lead1"), data=FORMS["Task_Initiate"])
            outcomes.append("completed")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["completed", "conflict"]
    with ctx.unit_of_work(write=False) as uow:
        completions = uow.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "task.completed", AuditEvent.task_id == task.id)
        ).all()
        row = uow.session.get(ProcessInstance, walk.instance_id)
    assert len(completions) == 1
    assert [t.element_id for t in walk.tasks_of("lead1")] == ["Task_InviteMembers"]
    assert row.version >= 2


def test_claim_is_first_come_first_served(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    task = walk.tasks_of("city1", "Task_CityReview")[0]
    tasks.claim_task(ctx, task_id=task.id, actor=walk.actor("city1"))
    with pytest.raises(Conflict):
        tasks.claim_task(ctx, task_id=task.id, actor=walk.actor("city2"))
    assert walk.tasks_of("city2", "Task_CityReview")  # city clerks oversee every task, claimed or not
    with pytest.raises(Forbidden):
        walk.do("Task_CityReview", login="city2")
    tasks.unclaim_task(ctx, task_id=task.id, actor=walk.actor("city1"))
    walk.do("Task_CityReview", login="city2")


def test_bad_form_data_returns_every_field_error_and_saves_nothing(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    task = walk.tasks_of("lead1", "Task_InviteMembers")[0]
    with ctx.unit_of_work(write=False) as uow:
        before = uow.session.get(ProcessInstance, walk.instance_id)
    bad = {
        "invited_members": [
            {
                "credit_code": "91370214MA3C100257",
                "name": "校验位错误的公司",
                "category": "enterprise",
                "role": "core",
            },
            {"credit_code": "12345", "name": "", "category": "spaceship", "role": "core"},
        ]
    }
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(ctx, task_id=task.id, actor=walk.actor("lead1"), data=bad)
    fields = refused.value.fields
    flat = repr(fields)
    assert "invited_members" in fields or "threshold_justification" in fields
    assert "credit_code" in flat and "category" in flat and "name" in flat
    with ctx.unit_of_work(write=False) as uow:
        after = uow.session.get(ProcessInstance, walk.instance_id)
    assert (after.version, after.state_json) == (before.version, before.state_json)
    assert [t.id for t in walk.tasks_of("lead1")] == [task.id]


def test_handing_over_never_widens_who_sees_the_application(ctx):
    walk = Walk(ctx)
    walk.start()
    own = walk.tasks_of("lead1", "Task_Initiate")[0]
    with pytest.raises(Forbidden):
        tasks.set_assignee(ctx, task_id=own.id, user_id="expert1", actor=walk.actor("lead1"))
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    review = walk.tasks_of("city1", "Task_CityReview")[0]
    with pytest.raises(InvalidInput) as refused:
        tasks.set_assignee(ctx, task_id=review.id, user_id="expert1", actor=walk.actor("city1"))
    assert "userId" in refused.value.fields
    with pytest.raises(NotFound):
        instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor("expert1"))
    tasks.set_assignee(ctx, task_id=review.id, user_id="city2", actor=walk.actor("city1"))
    assert [t.element_id for t in walk.tasks_of("city2")] == ["Task_CityReview"]
    walk.do("Task_CityReview", login="city2")


def test_the_audit_trail_masks_identity_numbers(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    with ctx.unit_of_work(write=False) as uow:
        events = uow.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == "task.completed", AuditEvent.element_id == "Task_HireChiefExpert"
            )
        ).all()
    assert len(events) == 1
    assert "11010519491231002X" not in events[0].detail_json
    assert "1101**********002X" in events[0].detail_json
