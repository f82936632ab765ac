"""Helpers for the supervision tests: a filed consortium, and steps of the supervision diagrams."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from service.consortium.store.models import Consortium, PublicityNotice
from service.context import Context
from service.engine import identities, jobs, tasks
from service.engine.store.tasks import TaskQuery
from tests.supervision.data import PANEL, SELF_REPORT, score_sheet  # noqa: F401  (re-exported)
from tests.support.procedure import Walk


def filed_consortium(ctx: Context, clock) -> tuple[Walk, int]:
    """The standard application driven to filing (publicity passed by moving the clock)."""
    walk = Walk(ctx)
    walk.through_to_publicity()
    with ctx.unit_of_work(write=False) as uow:
        notice = uow.session.scalars(
            sa.select(PublicityNotice).where(PublicityNotice.instance_id == walk.instance_id)
        ).one()
    clock.set(notice.ends_at + timedelta(seconds=1))
    jobs.fire_due_jobs(ctx)
    walk.do("Task_FilingDecision")  # the city clerk's filing decision (issue 13 item 5)
    record = consortium(ctx, walk.instance_id)
    assert record.status == "filed"
    return walk, record.id


def consortium(ctx: Context, instance_id: str | None = None, consortium_id: int | None = None) -> Consortium:
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(Consortium)
        query = (
            query.where(Consortium.id == consortium_id)
            if consortium_id
            else query.where(Consortium.instance_id == instance_id)
        )
        return uow.session.scalars(query).one()


class Steps:
    """Complete the open tasks of one supervision instance as the demo users would."""

    def __init__(self, ctx: Context, instance_id: str) -> None:
        self.ctx, self.instance_id = ctx, instance_id

    def open(self, login: str, element_id: str | None = None):
        query = TaskQuery(instance_id=self.instance_id, element_id=element_id, max_results=None)
        return tasks.list_tasks(self.ctx, actor=actor(self.ctx, login), query=query)

    def do(self, login: str, element_id: str, data: dict[str, Any]) -> None:
        found = self.open(login, element_id)
        assert len(found) == 1, f"{login} sees {len(found)} {element_id}; open: {self.steps()}"
        tasks.complete_task(self.ctx, task_id=found[0].id, actor=actor(self.ctx, login), data=data)

    def steps(self) -> list[str]:
        return sorted(t.element_id for t in self.open("city1"))


def actor(ctx: Context, login: str):
    found = identities.actor_for(ctx, login)
    assert found is not None, login
    return found
