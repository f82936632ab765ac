"""Completing a review step on behalf of a round-level decision (the draw, a signed sheet, the selection).

These steps are user tasks in the diagrams, so clerks see where each application stands, but only the
review use cases may complete them: the decision lives in the domain and every application receives it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ...actors import Actor
from ...context import Context
from ...engine.commands import run_command
from ...engine.store import audit, instances
from ...errors import Conflict
from ..store import reviews


def complete_step(
    ctx: Context,
    session: Session,
    *,
    instance_id: str,
    element_id: str,
    actor: Actor,
    data: dict[str, Any],
    now: datetime,
    assignee: str | None = None,
) -> None:
    """Complete the open `element_id` task of the instance inside the caller's transaction.

    Raises:
        Conflict: the application is not waiting at that step.
    """
    row = instances.lock(session, instance_id)
    found = reviews.open_tasks(session, instance_id, element_id, assignee)
    if not found:
        raise Conflict(
            f"申请 {row.business_key} 当前不在“{element_id}”环节 / "
            f"Application {row.business_key} is not waiting at {element_id}"
        )
    task = found[0]
    run_command(ctx, session, row, actor, lambda r, h, n: r.complete_task(task.id, data, h, n), now)
    audit.record(
        session,
        actor=actor,
        action="task.completed",
        at=now,
        instance_id=instance_id,
        task_id=task.id,
        element_id=element_id,
        detail={"form": task.form_key, "data": data},
    )


def waiting_at(session: Session, instance_id: str, element_id: str) -> bool:
    return bool(reviews.open_tasks(session, instance_id, element_id))
