"""Which instances run on which definition version: what a process owner checks before deploying."""

from __future__ import annotations

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..errors import NotFound
from .browse import may_see_deployments
from .store.models import ProcessInstance


def running_by_definition(ctx: Context, *, actor: Actor) -> dict[str, int]:
    """Definition id -> number of active instances; NotFound for anyone but process owners."""
    if not may_see_deployments(actor):
        raise NotFound("页面不存在 / No such page")
    with ctx.unit_of_work(write=False) as uow:
        rows = uow.session.execute(
            sa.select(ProcessInstance.definition_id, sa.func.count())
            .where(ProcessInstance.status == "active")
            .group_by(ProcessInstance.definition_id)
        ).all()
        return {definition_id: count for definition_id, count in rows}
