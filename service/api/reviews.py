"""/api for expert review: rounds, experts, panels, score sheets, site visits, defense sessions, rankings.

Routes live on the domain blueprint, so errors map once ({"error","message","fields"}); the bodies are
parsed here into the primitives the use cases take.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Response, jsonify, request

from ..errors import InvalidInput
from ..usecases.reviews import (
    experts,
    invitations,
    panel_access,
    panels,
    rounds,
    scheduling,
    scoring,
    selection,
)
from .auth import context
from .domain import bp, require_actor


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(
            "请求体须为 JSON 对象 / The body must be a JSON object", {"_body": ["object expected"]}
        )
    return body


def _required(body: dict[str, Any], name: str) -> Any:
    if body.get(name) in (None, ""):
        raise InvalidInput(f"缺少 {name} / {name} is required", {name: ["必填 / required"]})
    return body[name]


def _when(body: dict[str, Any], name: str, required: bool = True) -> datetime | None:
    value = body.get(name)
    if value in (None, "") and not required:
        return None
    try:
        parsed = datetime.fromisoformat(str(_required(body, name)))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(
            f"{name} 须为带时区的 ISO 时间 / {name} must be an ISO time with offset", {name: [value]}
        )
    return parsed


def _day(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{name} 须为日期 / {name} must be a date", {name: [value]}) from None


def _ics(text: str) -> Response:
    return Response(
        text, mimetype="text/calendar", headers={"Content-Disposition": "attachment; filename=invite.ics"}
    )


# --- rounds ------------------------------------------------------------------------------------------


@bp.get("/rounds")
def rounds_list():
    return jsonify(rounds.list_rounds(context(), actor=require_actor()))


@bp.post("/rounds")
def rounds_open():
    body = _body()
    return jsonify(
        rounds.open_round(
            context(),
            actor=require_actor(),
            name=str(body.get("name") or ""),
            opens_at=_when(body, "opensAt"),
            closes_at=_when(body, "closesAt"),
            rubric=body.get("rubric"),
            passing_score=float(body.get("passingScore", rounds.DEFAULT_PASSING_SCORE)),
            panel_size=int(body.get("panelSize", 5)),
            panel_reserves=int(body.get("panelReserves", 2)),
        )
    ), 201


@bp.get("/rounds/<int:round_id>")
def rounds_detail(round_id: int):
    return jsonify(rounds.get_round(context(), round_id=round_id, actor=require_actor()))


@bp.put("/rounds/<int:round_id>/applications/<application_no>")
def rounds_enter(round_id: int, application_no: str):
    actor = require_actor()
    return jsonify(
        rounds.enter_round(context(), round_id=round_id, application_no=application_no, actor=actor)
    )


@bp.get("/rounds/<int:round_id>/ranking")
def rounds_ranking(round_id: int):
    return jsonify(scoring.ranking(context(), round_id=round_id, actor=require_actor()))


@bp.post("/rounds/<int:round_id>/selection")
def rounds_selection(round_id: int):
    body = _body()
    threshold = body.get("threshold")
    return jsonify(
        selection.decide_selection(
            context(),
            round_id=round_id,
            actor=require_actor(),
            threshold=None if threshold is None else float(threshold),
            opinion=body.get("opinion"),
            excluded=body.get("excluded") or {},
        )
    )


@bp.get("/rounds/<int:round_id>/publicity")
def rounds_publicity(round_id: int):
    require_actor()
    return jsonify(selection.round_notice(context(), round_id=round_id))


# --- panels --------------------------------------------------------------------------------------------


@bp.post("/rounds/<int:round_id>/panels")
def panels_draw(round_id: int):
    body = _body()
    drawn = panels.draw_panel(
        context(),
        round_id=round_id,
        application_no=str(_required(body, "applicationNo")),
        actor=require_actor(),
        seed=body.get("seed"),
    )
    return jsonify(drawn), 201


@bp.get("/rounds/<int:round_id>/panels")
def panels_of_round(round_id: int):
    return jsonify(panel_access.panels_of_round(context(), round_id=round_id, actor=require_actor()))


@bp.get("/panels/<int:panel_id>")
def panels_detail(panel_id: int):
    return jsonify(panel_access.describe_panel(context(), panel_id=panel_id, actor=require_actor()))


@bp.get("/panels/<int:panel_id>/verification")
def panels_verify(panel_id: int):
    return jsonify(panels.verify_draw(context(), panel_id=panel_id, actor=require_actor()))


@bp.post("/panels/<int:panel_id>/declaration")
def panels_declare(panel_id: int):
    body = _body()
    return jsonify(
        panels.declare(
            context(),
            panel_id=panel_id,
            actor=require_actor(),
            no_conflict=bool(body.get("noConflict")),
            statement=str(body.get("statement") or ""),
            signature=str(body.get("signature") or ""),
        )
    )


@bp.post("/panels/<int:panel_id>/conflicts")
def panels_conflict(panel_id: int):
    body = _body()
    return jsonify(
        panels.report_conflict(
            context(),
            panel_id=panel_id,
            expert_id=str(_required(body, "expertId")),
            reason=str(body.get("reason") or ""),
            actor=require_actor(),
        )
    )


@bp.get("/panels/<int:panel_id>/score-sheet")
def sheets_mine(panel_id: int):
    return jsonify(scoring.my_sheet(context(), panel_id=panel_id, actor=require_actor()))


@bp.put("/panels/<int:panel_id>/score-sheet")
def sheets_save(panel_id: int):
    body = _body()
    actor = require_actor()
    saved = scoring.save_sheet(
        context(), panel_id=panel_id, actor=actor, scores=body.get("scores"), dissent=body.get("dissent")
    )
    return jsonify(saved)


@bp.post("/panels/<int:panel_id>/score-sheet/signature")
def sheets_sign(panel_id: int):
    body = _body()
    actor = require_actor()
    return jsonify(
        scoring.sign_sheet(
            context(), panel_id=panel_id, actor=actor, signature=str(body.get("signature") or "")
        )
    )


@bp.get("/applications/<application_no>/review-file")
def review_file(application_no: str):
    return jsonify(panel_access.review_file(context(), application_no=application_no, actor=require_actor()))


# --- experts -------------------------------------------------------------------------------------------


@bp.get("/experts")
def experts_list():
    return jsonify(experts.list_experts(context(), actor=require_actor()))


@bp.post("/experts")
def experts_register():
    body = _body()
    return jsonify(
        experts.register_expert(
            context(),
            actor=require_actor(),
            user_id=str(_required(body, "userId")),
            name=str(body.get("name") or ""),
            fields=list(body.get("fields") or []),
            email=body.get("email"),
            id_number=body.get("idNumber"),
            title=body.get("title"),
            active=bool(body.get("active", True)),
        )
    ), 201


@bp.get("/experts/<expert_id>")
def experts_detail(expert_id: str):
    return jsonify(experts.get_expert(context(), actor=require_actor(), expert_id=expert_id))


@bp.post("/experts/<expert_id>/affiliations")
def experts_affiliation(expert_id: str):
    body = _body()
    return jsonify(
        experts.add_affiliation(
            context(),
            actor=require_actor(),
            expert_id=expert_id,
            credit_code=str(_required(body, "creditCode")),
            unit_name=body.get("unitName"),
            since=_day(body.get("since"), "since"),
            until=_day(body.get("until"), "until"),
        )
    ), 201


@bp.post("/experts/<expert_id>/relationships")
def experts_relationship(expert_id: str):
    body = _body()
    return jsonify(
        experts.declare_relationship(
            context(),
            actor=require_actor(),
            expert_id=expert_id,
            credit_code=str(_required(body, "creditCode")),
            kind=str(body.get("kind") or ""),
            note=body.get("note"),
        )
    ), 201


@bp.post("/experts/<expert_id>/availability")
def experts_availability(expert_id: str):
    body = _body()
    actor = require_actor()
    window = {"starts_at": _when(body, "startsAt"), "ends_at": _when(body, "endsAt")}
    return jsonify(experts.add_availability(context(), actor=actor, expert_id=expert_id, **window)), 201


# --- site visits and defense sessions --------------------------------------------------------------------


@bp.post("/site-visits")
def visits_schedule():
    body = _body()
    return jsonify(
        scheduling.schedule_site_visit(
            context(),
            actor=require_actor(),
            application_no=str(_required(body, "applicationNo")),
            starts_at=_when(body, "startsAt"),
            ends_at=_when(body, "endsAt"),
            address=body.get("address"),
            participants=body.get("participants"),
        )
    ), 201


@bp.patch("/site-visits/<int:visit_id>")
def visits_change(visit_id: int):
    body = _body()
    return jsonify(
        scheduling.change_site_visit(
            context(),
            actor=require_actor(),
            visit_id=visit_id,
            starts_at=_when(body, "startsAt", required=False),
            ends_at=_when(body, "endsAt", required=False),
            address=body.get("address"),
            participants=body.get("participants"),
        )
    )


@bp.post("/site-visits/<int:visit_id>/cancellation")
def visits_cancel(visit_id: int):
    reason = str(_body().get("reason") or "")
    return jsonify(
        scheduling.cancel_site_visit(context(), actor=require_actor(), visit_id=visit_id, reason=reason)
    )


@bp.get("/site-visits/<int:visit_id>/invitation.ics")
def visits_invitation(visit_id: int):
    return _ics(
        invitations.latest_for(context(), kind="site_visit", event_id=visit_id, actor=require_actor())
    )


def _slots(body: dict[str, Any]) -> list[dict[str, Any]] | None:
    if body.get("slots") is None:
        return None
    return [
        {
            "application_no": s.get("applicationNo"),
            "starts_at": _when(s, "startsAt"),
            "ends_at": _when(s, "endsAt"),
        }
        for s in body["slots"]
    ]


@bp.post("/sessions")
def sessions_schedule():
    body = _body()
    return jsonify(
        scheduling.schedule_defense(
            context(),
            actor=require_actor(),
            round_id=int(_required(body, "roundId")),
            room=str(_required(body, "room")),
            starts_at=_when(body, "startsAt"),
            ends_at=_when(body, "endsAt"),
            slots=_slots(body) or [],
        )
    ), 201


@bp.patch("/sessions/<int:session_id>")
def sessions_change(session_id: int):
    body = _body()
    return jsonify(
        scheduling.change_defense(
            context(),
            actor=require_actor(),
            session_id=session_id,
            room=body.get("room"),
            starts_at=_when(body, "startsAt", required=False),
            ends_at=_when(body, "endsAt", required=False),
            slots=_slots(body),
        )
    )


@bp.post("/sessions/<int:session_id>/cancellation")
def sessions_cancel(session_id: int):
    body = _body()
    reason = str(body.get("reason") or "")
    return jsonify(
        scheduling.cancel_defense(context(), actor=require_actor(), session_id=session_id, reason=reason)
    )


@bp.get("/sessions/<int:session_id>/invitation.ics")
def sessions_invitation(session_id: int):
    return _ics(invitations.latest_for(context(), kind="defense", event_id=session_id, actor=require_actor()))


@bp.get("/sessions/free-slots")
def sessions_free_slots():
    args = request.args
    day = _day(args.get("day"), "day")
    if day is None:
        raise InvalidInput("缺少 day / day is required", {"day": ["必填 / required"]})
    return jsonify(
        scheduling.suggest_slots(
            context(),
            actor=require_actor(),
            day=day,
            minutes=int(args.get("minutes") or 60),
            experts=[e for e in (args.get("experts") or "").split(",") if e],
            room=args.get("room"),
        )
    )
