"""Where expert review meets the engine: service-task handlers, and the task listeners the diagrams name.

`handlers` adds the expert_review diagram's topics to the recommendation handlers (consortia.handlers).
`TASK_LISTENERS` are registered by name (domain_plugin.py) and declared on the user tasks as
`<camunda:taskListener event="complete" delegateExpression="${name}"/>`: a submission must fall in its
round's window (`roundWindowCheck`); expert work needs a signed declaration (`expertDeclarationCheck`);
the score's receipt must be the expert's signed sheet (`signedScoreSheetCheck`); the panel and the
selection come from the round use cases, never from a hand-filled form (`decidedByRound`). A refusal
raises the service's error; the command saves nothing and the caller gets it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows.engine import ServiceCall
from workflows.extensions import DelegateContext

from ...actors import Actor
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, InvalidInput
from ..store import reviews
from . import panels, review_steps, rounds, scoring


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


def round_window_check(context: DelegateContext) -> None:
    """`${roundWindowCheck}` (task listener, complete) on the submission: it completes only inside the
    application's round window, and the submission is recorded in its round.

    Raises:
        InvalidInput: outside the round's window, or the application entered no round.
    """
    rounds.check_submission(context.session, _row(context), context.now)


def decided_by_round(context: DelegateContext) -> None:
    """`${decidedByRound}` (task listener, complete) on the panel and the selection steps: only the round
    use cases (review_steps.complete_step) complete them, never a hand-filled form.

    Raises:
        Conflict: a completion not made for a round decision, naming where the decision is taken.
    """
    if review_steps.by_round():
        return
    step = context.task.properties.get(review_steps.STEP) if context.task else None
    raise Conflict(review_steps.ROUND_STEPS.get(str(step), review_steps.ROUND_DECIDED))


def expert_declaration_check(context: DelegateContext) -> None:
    """`${expertDeclarationCheck}` (task listener, complete) on the experts' steps: expert work needs the
    signed no-conflict declaration, and a replaced expert works no more.

    Raises:
        Forbidden: no declaration, or the expert was removed from the panel.
    """
    panels.require_declared(context.session, context.instance_id, context.actor)


def signed_score_sheet_check(context: DelegateContext) -> None:
    """`${signedScoreSheetCheck}` (task listener, complete) on the defense scoring: the completion is the
    receipt of the expert's own signed score sheet (its id and total).

    Raises:
        InvalidInput: `sheet_id`/`total` do not name the acting expert's signed sheet.
    """
    data = context.task.data if context.task else {}
    _check_receipt(context.session, _row(context), data, context.actor)


TASK_LISTENERS = {
    "roundWindowCheck": round_window_check,
    "decidedByRound": decided_by_round,
    "expertDeclarationCheck": expert_declaration_check,
    "signedScoreSheetCheck": signed_score_sheet_check,
}


def _row(context: DelegateContext) -> ProcessInstance:
    row = context.session.get(ProcessInstance, context.instance_id)
    if row is None:  # the command holds the row locked: it exists
        raise LookupError(f"no instance {context.instance_id}")
    return row


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
