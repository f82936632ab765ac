"""Completing a review step on behalf of a round-level decision (the draw, a signed sheet, the selection).

These steps are user tasks in the diagrams, so clerks see where each application stands, but only the
review use cases may complete them: the decision lives in the domain and every application receives it.

A step is found by what the diagram declares on it, never by its element id (issue 19): the user task's
`<camunda:property name="consortium.step" value="assign_panel"/>` (Modeler: Extension properties). The
steps only the round may complete declare `<camunda:taskListener event="complete"
delegateExpression="${decidedByRound}"/>`, which refuses a completion not made by `complete_step`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ...actors import Actor
from ...context import Context
from ...engine.commands import run_command
from ...engine.store import audit, instances
from ...engine.store.models import HumanTask
from ...errors import Conflict
from ..store import reviews

STEP = "consortium.step"  # the user task's declared property naming the procedure step
ASSIGN_PANEL, DESK_REVIEW, SITE_VISIT, DEFENSE_SCORING, SELECTION = (
    "assign_panel", "desk_review", "site_visit", "defense_scoring", "selection",
)
EXPERT_STEPS = (DESK_REVIEW, DEFENSE_SCORING)  # the panel's own work: reassigned to a replacement expert
REVIEW_STEPS = (ASSIGN_PANEL, DESK_REVIEW, SITE_VISIT, DEFENSE_SCORING, SELECTION)  # in procedure order
ROUND_STEPS = {  # what a hand completion of a round-decided step is told
    ASSIGN_PANEL: "评审专家由抽取产生：请在“评审专家组”中抽取，专家签署声明后自动完成 / "
    "The panel comes from the draw: POST /api/rounds/<id>/panels; it completes when every expert has signed",
    SELECTION: "择优由市科技局在评审页面决定 / Selection is decided by the city bureau: "
    "POST /api/applications/<no>/selection (one application) or /api/rounds/<id>/selection (a round)",
}
ROUND_DECIDED = "由批次决定的环节不可手工办理 / This step is completed by its round's decision"

_BY_ROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("completed_by_round", default=False)


def step_of(task: HumanTask) -> str | None:
    """The procedure step the task's element declares (`consortium.step`), or None."""
    value = task.properties.get(STEP)
    return str(value) if value not in (None, "") else None


def by_round() -> bool:
    """True while `complete_step` completes a step for a round decision (the `decidedByRound` listener
    lets exactly these completions through)."""
    return _BY_ROUND.get()


@contextmanager
def _completing_by_round() -> Iterator[None]:
    token = _BY_ROUND.set(True)
    try:
        yield
    finally:
        _BY_ROUND.reset(token)


def open_tasks(session: Session, instance_id: str, step: str, assignee: str | None = None) -> list[HumanTask]:
    """The instance's open tasks whose element declares `consortium.step` = `step`, oldest first."""
    return [t for t in reviews.open_tasks_of(session, instance_id, assignee) if step_of(t) == step]


def complete_step(
    ctx: Context,
    session: Session,
    *,
    instance_id: str,
    step: str,
    actor: Actor,
    data: dict[str, Any],
    now: datetime,
    assignee: str | None = None,
) -> None:
    """Complete the open task declaring `step` of the instance inside the caller's transaction.

    Raises:
        Conflict: the application is not waiting at that step.
    """
    row = instances.lock(session, instance_id)
    found = open_tasks(session, instance_id, step, assignee)
    if not found:
        raise Conflict(
            f"申请 {row.business_key} 当前不在“{step}”环节 / "
            f"Application {row.business_key} is not waiting at {step}"
        )
    task = found[0]
    with _completing_by_round():
        run_command(ctx, session, row, actor, lambda r, h, n: r.complete_task(task.id, data, h, n), now)
    audit.record(
        session,
        actor=actor,
        action="task.completed",
        at=now,
        instance_id=instance_id,
        task_id=task.id,
        element_id=task.element_id,
        detail={"form": task.form_key, "data": data},
    )


def waiting_at(session: Session, instance_id: str, step: str) -> bool:
    """Whether the instance has an open task declaring `step`."""
    return bool(open_tasks(session, instance_id, step))
