"""What the review pages show: a round with where each of its applications stands, and an expert's seats.

Reads only; every change goes through the review use cases (rounds, panels, scheduling, scoring,
selection), exactly as the API calls them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...actors import EXPERT, Actor
from ...context import Context
from ...engine.store import instances
from ...engine.store.models import ProcessInstance
from ...errors import NotFound
from ..store import consortia, reviews
from .review_steps import REVIEW_STEPS, step_of
from .rounds import describe_round, require_clerk
from .scoring import application_result


@dataclass
class BoardRow:
    application_no: str
    name: str | None
    instance_id: str
    district: str | None
    submitted: bool
    waiting_at: str | None  # the review step (`consortium.step`) it waits at: the first in procedure order
    waiting_name: str | None = None  # that step's name in the diagram
    panel_id: int | None = None
    panel_confirmed: bool = False
    panel: list[str] = field(default_factory=list)  # declared experts
    score: float | None = None
    signed: int = 0
    outcome: str | None = None
    rank: int | None = None


@dataclass
class RoundBoard:
    round: dict[str, Any]
    rows: list[BoardRow]
    sessions: list[dict[str, Any]]
    visits: list[dict[str, Any]]

    def row(self, application_no: str) -> BoardRow | None:
        return next((r for r in self.rows if r.application_no == application_no), None)


def read_board(ctx: Context, *, round_id: int, actor: Actor) -> RoundBoard:
    """The city bureau's view of one round."""
    require_clerk(actor)
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rnd = reviews.get_round(session, round_id)
        rows = [_row(session, entry) for entry in reviews.entries_of(session, round_id)]
        sessions = [
            {"id": s.id, "room": s.room, "startsAt": s.starts_at, "endsAt": s.ends_at, "status": s.status,
             "slots": [x.application_no for x in reviews.slots_of(session, s.id)]}
            for s in reviews.sessions_of_round(session, round_id)
        ]
        visits = [
            {"id": v.id, "applicationNo": v.application_no, "startsAt": v.starts_at, "endsAt": v.ends_at,
             "address": v.address, "status": v.status}
            for v in reviews.visits_of_round(session, round_id)
        ]
        return RoundBoard(describe_round(rnd), rows, sessions, visits)


def _row(session, entry) -> BoardRow:
    row = session.get(ProcessInstance, entry.instance_id)
    record = consortia.find_by_instance(session, entry.instance_id)
    board = BoardRow(
        application_no=entry.application_no,
        name=record.name if record else None,
        instance_id=entry.instance_id,
        district=row.district,
        submitted=entry.submitted_at is not None,
        waiting_at=None,
        outcome=entry.outcome,
        rank=entry.rank,
    )
    open_steps = {step_of(t): t.name for t in reversed(reviews.open_tasks_of(session, row.id))}
    board.waiting_at = next((s for s in REVIEW_STEPS if s in open_steps), None)
    board.waiting_name = open_steps.get(board.waiting_at) if board.waiting_at else None
    panel = reviews.find_panel_of(session, row.id)
    if panel is not None:
        result = application_result(session, panel)
        board.panel_id, board.panel_confirmed = panel.id, panel.confirmed_at is not None
        board.panel = [s.expert_id for s in reviews.members_of(session, panel.id) if s.status == "declared"]
        board.score, board.signed = result["score"], result["count"]
    return board


@dataclass
class Seat:
    panel_id: int
    round_id: int
    application_no: str
    name: str | None
    status: str  # drawn (to declare) | declared
    sheet_signed: bool


def my_seats(ctx: Context, *, actor: Actor) -> list[Seat]:
    """The panels an expert sits on (not removed), newest first; nobody else has any."""
    if not actor.has(EXPERT):
        return []
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        found = []
        for seat in reviews.member_seats_of_expert(session, actor.id):
            panel = reviews.get_panel(session, seat.panel_id)
            record = consortia.find_by_instance(session, panel.instance_id)
            sheet = reviews.find_sheet(session, panel.id, actor.id)
            found.append(
                Seat(panel.id, panel.round_id, panel.application_no, record.name if record else None,
                     seat.status, bool(sheet and sheet.signed_at))
            )
        return sorted(found, key=lambda s: -s.panel_id)


def round_of_application(ctx: Context, *, instance_id: str, actor: Actor) -> int:
    """The round an application belongs to (for the pages that link a step to its round)."""
    with ctx.unit_of_work(write=False) as uow:
        instances.get_visible(uow.session, instance_id, actor)
        entry = reviews.find_entry(uow.session, instance_id)
        if entry is None:
            raise NotFound("该申请尚未进入申报批次 / The application is in no round yet")
        return entry.round_id
