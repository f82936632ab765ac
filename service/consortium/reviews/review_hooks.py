"""Where expert review meets the engine: service-task handlers, and the checks before a task completes.

`handlers` adds the expert_review diagram's topics to the recommendation handlers (consortia.handlers).
`before_completion` runs in tasks.complete_task: a submission must fall in its round's window; expert
work needs a signed declaration; the panel and the selection come from the round use cases, never
from a hand-filled form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows.engine import ServiceCall

from ...actors import Actor
from ...engine.store.models import HumanTask, ProcessInstance
from ...errors import Conflict, InvalidInput
from ..store import reviews
from . import panels, rounds, scoring

ROUND_STEPS = {
    "Task_AssignPanel": "评审专家由抽取产生：请在“评审专家组”中抽取，专家签署声明后自动完成 / "
    "The panel comes from the draw: POST /api/rounds/<id>/panels; it completes when every expert has signed",
    "Task_Selection": "择优由批次统一决定 / Selection is decided for the whole round: "
    "POST /api/rounds/<id>/selection",
}


def handlers(session: Session, row: ProcessInstance, actor: Actor, now: datetime) -> dict[str, Callable]:
    def seat_panel(call: ServiceCall) -> dict[str, Any]:
        """The panel as it stands now: a replacement seated after a late conflict takes the next step."""
        panel = reviews.find_panel_of(session, row.id)
        if panel is None:
            raise LookupError(f"{call.element_id}: no panel drawn for instance {row.id}")
        return {"panel": panels.seated_experts(session, row.id), "panel_id": panel.id}

    def aggregate_scores(call: ServiceCall) -> dict[str, Any]:
        panel = reviews.find_panel_of(session, row.id)
        if panel is None:
            raise LookupError(f"{call.element_id}: no panel drawn for instance {row.id}")
        result = scoring.application_result(session, panel)
        entry = reviews.find_entry(session, row.id)
        if entry is not None:
            entry.aggregate = result["score"]
        return {
            "expert_score": result["score"],
            "score_count": result["count"],
            "score_trimmed": result["trimmed"],
            "dissent_count": len(result["dissent"]),
        }

    return {"seat_panel": seat_panel, "aggregate_scores": aggregate_scores}


def before_completion(
    session: Session, row: ProcessInstance, task: HumanTask, data: dict[str, Any], actor: Actor, now: datetime
) -> None:
    """Refuse a completion the review rules forbid; record a submission in its round.

    Raises:
        InvalidInput: a submission outside the round's window; a score receipt without its signed sheet.
        Conflict: a step that only the round use cases complete.
        Forbidden: expert work before the no-conflict declaration (or after being replaced).
    """
    if task.element_id == "Task_Submit":
        rounds.check_submission(session, row, now)
    elif task.element_id in ROUND_STEPS:
        raise Conflict(ROUND_STEPS[task.element_id])
    elif task.element_id in panels.EXPERT_STEPS:
        panels.require_declared(session, row.id, actor)
    if task.element_id == "Task_DefenseScoring":
        _check_receipt(session, row, data, actor)


def _check_receipt(session: Session, row: ProcessInstance, data: dict[str, Any], actor: Actor) -> None:
    panel = reviews.find_panel_of(session, row.id)
    sheet = reviews.find_sheet(session, panel.id, actor.id) if panel else None
    if (
        sheet is None
        or sheet.signed_at is None
        or sheet.id != data.get("sheet_id")
        or sheet.total != data.get("total")
    ):
        raise InvalidInput(
            "请在评分表中评分并签名 / Score and sign your sheet: PUT then POST /api/panels/<id>/score-sheet",
            {"sheet_id": ["须为本人已签名的评分表 / must be your signed score sheet"]},
        )
