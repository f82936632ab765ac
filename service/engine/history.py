"""History as Camunda's history service shows it, projected from the audit trail and instance rows."""

from __future__ import annotations

from ..actors import Actor
from ..context import Context
from .browse import element_type, element_types
from .store import history
from .store.history import HistoricActivity, HistoricTask


def historic_tasks(ctx: Context, *, actor: Actor, instance_id: str | None = None) -> list[HistoricTask]:
    with ctx.unit_of_work(write=False) as uow:
        return history.tasks(uow.session, actor, instance_id=instance_id)


def historic_activities(
    ctx: Context, *, actor: Actor, instance_id: str | None = None
) -> list[tuple[HistoricActivity, str]]:
    """Activity instances with their BPMN activity type."""
    with ctx.unit_of_work(write=False) as uow:
        found = history.activities(uow.session, actor, instance_id=instance_id)
        types = {d: element_types(uow.session, d) for d in {a.definition_id for a in found}}
    return [(a, a.extra.get("kind") or element_type(types[a.definition_id], a.extra.get("process_key"),
                                                     a.element_id)) for a in found]


def completed_task(ctx: Context, *, task_id: str, actor: Actor) -> HistoricTask | None:
    """The task if it existed for `actor` and has been completed: acting on it again is a conflict,
    and saying so is kinder than claiming it never existed."""
    with ctx.unit_of_work(write=False) as uow:
        instance_id = history.instance_of_task(uow.session, task_id)
        if instance_id is None:
            return None
        found = [t for t in history.tasks(uow.session, actor, instance_id=instance_id) if t.id == task_id]
    return found[0] if found and found[0].end is not None else None
