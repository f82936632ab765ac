"""Where a user goes next: after completing a task, the next task of the same instance it may work on."""

from __future__ import annotations

from ..actors import Actor
from ..context import Context
from .store import tasks


def next_task(ctx: Context, *, actor: Actor, instance_id: str) -> str | None:
    """Where to go after completing a task: the actor's next task in the same application, if any."""
    with ctx.unit_of_work(write=False) as uow:
        return tasks.next_for(uow.session, actor, instance_id)
