"""/api for expert review: rounds, experts, panels, score sheets, site visits, defense sessions, rankings.

Routes live on the domain blueprint, so errors map once ({"error","message","fields"}); the bodies are
parsed here into the primitives the use cases take.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any

from flask import Response, jsonify, request

from ..consortium.reviews import (
    experts,
    findings,
    invitations,
    panel_access,
    panel_opinion,
    panels,
    rounds,
    scheduling,
    scoring,
    selection,
)
from ..errors import InvalidInput
from . import review_openapi
from .auth import context
from .domain import bp, require_actor
from .edge import (
    aware_datetime,
    body_bool,
    body_int,
    body_number,
    in_years,
    int_arg,
    json_object,
    load_body,
)


def _required(body: dict[str, Any], name: str) -> Any:
    if body.get(name) in (None, ""):
        raise InvalidInput(f"缺少 {name} / {name} is required", {name: ["必填 / required"]})
    return body[name]


def clerk_only(view: Callable) -> Callable:
    """The caller must be signed in (401) and be the city bureau (403) before any input is read: a caller
    who may not do this learns so whatever it sent (issue 11). The use case checks again."""

    def guard(**_: Any) -> None:
        rounds.require_clerk(require_actor())

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        guard()
        return view(*args, **kwargs)

    guarded.guard = guard  # type: ignore[attr-defined]  # run before the query check (openapi.py)
    return guarded


def expert_editor(view: Callable) -> Callable:
    """The bureau, or the expert itself for its own record (`expert_id`), checked before the body."""

    def guard(*, expert_id: str, **_: Any) -> None:
        experts.may_edit(require_actor(), expert_id)

    @wraps(view)
    def guarded(*args: Any, expert_id: str, **kwargs: Any) -> Any:
        guard(expert_id=expert_id)
        return view(*args, expert_id=expert_id, **kwargs)

    guarded.guard = guard  # type: ignore[attr-defined]
    return guarded


def _when(body: dict[str, Any], name: str, required: bool = True) -> datetime | None:
    value = body.get(name)
    if value in (None, "") and not required:
        return None
    return aware_datetime(_required(body, name), name)


def _day(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return in_years(date.fromisoformat(str(value)), name)
    except ValueError:
        reason = "须为日期 YYYY-MM-DD / a date YYYY-MM-DD expected"
        raise InvalidInput(f"{name} 须为日期 / {name} must be a date", {name: [reason]}) from None


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InvalidInput(f"{name} 须为文本 / {name} must be a string", {name: ["须为文本 / string expected"]})


def _list(body: dict[str, Any], name: str) -> list | None:
    value = body.get(name)
    if value is None or isinstance(value, list):
        return value
    raise InvalidInput(f"{name} 须为数组 / {name} must be an array", {name: ["须为数组 / array expected"]})


def _texts(body: dict[str, Any], name: str) -> dict[str, str]:
    """An object of strings (`{applicationNo: reason}`), {} when absent; InvalidInput naming it otherwise."""
    value = _object(body, name) or {}
    if not all(isinstance(v, str) for v in value.values()):
        raise InvalidInput(
            f"{name} 的值须为文本 / {name}: values must be strings", {name: ["文本 / strings"]}
        )
    return value


def _object(body: dict[str, Any], name: str) -> dict | None:
    value = body.get(name)
    if value is None or isinstance(value, dict):
        return value
    raise InvalidInput(f"{name} 须为对象 / {name} must be an object", {name: ["须为对象 / object expected"]})


def _ics(text: str) -> Response:
    return Response(
        text, mimetype="text/calendar", headers={"Content-Disposition": "attachment; filename=invite.ics"}
    )


# --- rounds ------------------------------------------------------------------------------------------


@bp.get("/rounds")
def rounds_list():
    return jsonify(rounds.list_rounds(context(), actor=require_actor()))


@bp.post("/rounds")
@clerk_only
def rounds_open():
    body = json_object()
    return jsonify(
        rounds.open_round(
            context(),
            actor=require_actor(),
            name=str(body.get("name") or ""),
            opens_at=_when(body, "opensAt"),
            closes_at=_when(body, "closesAt"),
            rubric=_list(body, "rubric"),
            passing_score=body_number(body, "passingScore", rounds.DEFAULT_PASSING_SCORE),
            panel_size=body_int(body, "panelSize", 5, maximum=100),
            panel_reserves=body_int(body, "panelReserves", 2, maximum=100),
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
@clerk_only
def rounds_ranking(round_id: int):
    return jsonify(scoring.ranking(context(), round_id=round_id, actor=require_actor()))


@bp.post("/applications/<application_no>/findings-override")
@clerk_only
def findings_override(application_no: str):
    """The city clerk's written override of the experts' findings (issue 13 item 4): {"reason"}."""
    body = json_object()
    return jsonify(findings.override_findings(
        context(), application_no=application_no, actor=require_actor(), reason=_text(body, "reason") or ""
    ))


@bp.post("/rounds/<int:round_id>/selection")
@clerk_only
def rounds_selection(round_id: int):
    body = json_object()
    return jsonify(
        selection.decide_selection(
            context(),
            round_id=round_id,
            actor=require_actor(),
            threshold=body_number(body, "threshold"),
            opinion=_text(body, "opinion"),
            excluded=_texts(body, "excluded"),
        )
    )


@bp.post("/applications/<application_no>/selection")
@clerk_only
def application_selection(application_no: str):
    """One application's selection as soon as its review is complete (成熟一个、支持一个, issue 14 item 1):
    {"threshold"?, "opinion"?, "excludeReason"?}."""
    body = json_object()
    return jsonify(
        selection.decide_application(
            context(),
            application_no=application_no,
            actor=require_actor(),
            threshold=body_number(body, "threshold"),
            opinion=_text(body, "opinion"),
            exclude_reason=_text(body, "excludeReason"),
        )
    )


@bp.get("/rounds/<int:round_id>/publicity")
def rounds_publicity(round_id: int):
    require_actor()
    return jsonify(selection.round_notice(context(), round_id=round_id))


# --- panels --------------------------------------------------------------------------------------------


@bp.post("/rounds/<int:round_id>/panels")
@clerk_only
def panels_draw(round_id: int):
    body = json_object()
    drawn = panels.draw_panel(
        context(),
        round_id=round_id,
        application_no=str(_required(body, "applicationNo")),
        actor=require_actor(),
        seed=_text(body, "seed"),
    )
    return jsonify(drawn), 201


@bp.get("/rounds/<int:round_id>/panels")
def panels_of_round(round_id: int):
    return jsonify(panel_access.panels_of_round(context(), round_id=round_id, actor=require_actor()))


@bp.post("/panels/<int:panel_id>/opinion")
def panels_opinion_generate(panel_id: int):
    """Generate the panel's consolidated opinion (专家组意见) for the leader to confirm (issue 13 item 4)."""
    return jsonify(panel_opinion.generate_opinion(context(), panel_id=panel_id, actor=require_actor())), 201


@bp.post("/panels/<int:panel_id>/opinion/confirm")
def panels_opinion_confirm(panel_id: int):
    """The panel leader confirms and signs the opinion: {"signature"}."""
    body = json_object()
    return jsonify(panel_opinion.confirm_opinion(
        context(), panel_id=panel_id, actor=require_actor(), signature=_text(body, "signature") or ""
    ))


@bp.get("/panels/<int:panel_id>")
def panels_detail(panel_id: int):
    return jsonify(panel_access.describe_panel(context(), panel_id=panel_id, actor=require_actor()))


@bp.get("/panels/<int:panel_id>/verification")
@clerk_only
def panels_verify(panel_id: int):
    return jsonify(panels.verify_draw(context(), panel_id=panel_id, actor=require_actor()))


@bp.post("/panels/<int:panel_id>/declaration")
def panels_declare(panel_id: int):
    body = json_object()
    return jsonify(
        panels.declare(
            context(),
            panel_id=panel_id,
            actor=require_actor(),
            no_conflict=body_bool(body, "noConflict", False),
            statement=str(body.get("statement") or ""),
            signature=str(body.get("signature") or ""),
        )
    )


@bp.post("/panels/<int:panel_id>/conflicts")
def panels_conflict(panel_id: int):
    body = json_object()
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
    body = json_object()
    actor = require_actor()
    saved = scoring.save_sheet(
        context(),
        panel_id=panel_id,
        actor=actor,
        scores=_object(body, "scores"),
        dissent=_text(body, "dissent"),
    )
    return jsonify(saved)


@bp.post("/panels/<int:panel_id>/score-sheet/signature")
def sheets_sign(panel_id: int):
    body = json_object()
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
@clerk_only
def experts_list():
    return jsonify(experts.list_experts(context(), actor=require_actor()))


@bp.post("/experts")
@clerk_only
def experts_register():
    body = json_object()
    return jsonify(
        experts.register_expert(
            context(),
            actor=require_actor(),
            user_id=str(_required(body, "userId")),
            name=str(body.get("name") or ""),
            fields=[str(f) for f in _list(body, "fields") or []],
            email=_text(body, "email"),
            id_number=_text(body, "idNumber"),
            title=_text(body, "title"),
            active=body_bool(body, "active", True),
        )
    ), 201


@bp.get("/experts/<expert_id>")
def experts_detail(expert_id: str):
    return jsonify(experts.get_expert(context(), actor=require_actor(), expert_id=expert_id))


@bp.post("/experts/<expert_id>/affiliations")
@expert_editor
def experts_affiliation(expert_id: str):
    body = json_object()
    return jsonify(
        experts.add_affiliation(
            context(),
            actor=require_actor(),
            expert_id=expert_id,
            credit_code=str(_required(body, "creditCode")),
            unit_name=_text(body, "unitName"),
            since=_day(body.get("since"), "since"),
            until=_day(body.get("until"), "until"),
        )
    ), 201


@bp.post("/experts/<expert_id>/relationships")
@expert_editor
def experts_relationship(expert_id: str):
    body = json_object()
    return jsonify(
        experts.declare_relationship(
            context(),
            actor=require_actor(),
            expert_id=expert_id,
            credit_code=str(_required(body, "creditCode")),
            kind=str(body.get("kind") or ""),
            note=_text(body, "note"),
        )
    ), 201


@bp.post("/experts/<expert_id>/availability")
@expert_editor
def experts_availability(expert_id: str):
    body = json_object()
    actor = require_actor()
    window = {"starts_at": _when(body, "startsAt"), "ends_at": _when(body, "endsAt")}
    return jsonify(experts.add_availability(context(), actor=actor, expert_id=expert_id, **window)), 201


# --- site visits and defense sessions --------------------------------------------------------------------


def _visit_body(schema: type) -> dict[str, Any]:
    """A site visit's body loaded by `schema`; when it does not load, the errors also name an unknown
    application and participants who may not take part (checked on the fields that are well formed), so
    every field's error comes at once (hostile report A finding 9)."""
    try:
        return load_body(schema)
    except InvalidInput as exc:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise
        number, people = body.get("applicationNo"), body.get("participants")
        more = scheduling.site_visit_problems(
            context(),
            actor=require_actor(),
            application_no=number if isinstance(number, str) and "applicationNo" not in exc.fields else None,
            participants=people
            if isinstance(people, list) and "participants" not in exc.fields
            else None,
        )
        raise InvalidInput(str(exc), {**exc.fields, **more}) from None


@bp.post("/site-visits")
@clerk_only
def visits_schedule():
    body = _visit_body(review_openapi.SiteVisitIn)  # every field's error at once, as documented
    return jsonify(
        scheduling.schedule_site_visit(
            context(),
            actor=require_actor(),
            application_no=body["applicationNo"],
            starts_at=body["startsAt"],
            ends_at=body["endsAt"],
            address=body.get("address"),
            participants=body.get("participants"),
        )
    ), 201


@bp.patch("/site-visits/<int:visit_id>")
@clerk_only
def visits_change(visit_id: int):
    body = _visit_body(review_openapi.SiteVisitChangeIn)
    return jsonify(
        scheduling.change_site_visit(
            context(),
            actor=require_actor(),
            visit_id=visit_id,
            starts_at=body.get("startsAt"),
            ends_at=body.get("endsAt"),
            address=body.get("address"),
            participants=body.get("participants"),
        )
    )


@bp.post("/site-visits/<int:visit_id>/cancellation")
@clerk_only
def visits_cancel(visit_id: int):
    reason = str(json_object().get("reason") or "")
    return jsonify(
        scheduling.cancel_site_visit(context(), actor=require_actor(), visit_id=visit_id, reason=reason)
    )


@bp.get("/site-visits/<int:visit_id>/invitation.ics")
def visits_invitation(visit_id: int):
    return _ics(
        invitations.latest_for(context(), kind="site_visit", event_id=visit_id, actor=require_actor())
    )


def _slots(body: dict[str, Any]) -> list[dict[str, Any]] | None:
    slots = _list(body, "slots")
    if slots is None:
        return None
    if not all(isinstance(s, dict) for s in slots):
        raise InvalidInput(
            "slots 须为对象数组 / slots must be objects", {"slots": ["对象 / objects expected"]}
        )
    return [
        {
            "application_no": _text(s, "applicationNo"),
            "starts_at": _when(s, "startsAt"),
            "ends_at": _when(s, "endsAt"),
        }
        for s in slots
    ]


@bp.post("/sessions")
@clerk_only
def sessions_schedule():
    body = json_object()
    return jsonify(
        scheduling.schedule_defense(
            context(),
            actor=require_actor(),
            round_id=body_int(body, "roundId", minimum=1) if _required(body, "roundId") else 0,
            room=str(_required(body, "room")),
            starts_at=_when(body, "startsAt"),
            ends_at=_when(body, "endsAt"),
            slots=_slots(body) or [],
        )
    ), 201


@bp.patch("/sessions/<int:session_id>")
@clerk_only
def sessions_change(session_id: int):
    body = json_object()
    return jsonify(
        scheduling.change_defense(
            context(),
            actor=require_actor(),
            session_id=session_id,
            room=_text(body, "room"),
            starts_at=_when(body, "startsAt", required=False),
            ends_at=_when(body, "endsAt", required=False),
            slots=_slots(body),
        )
    )


@bp.post("/sessions/<int:session_id>/cancellation")
@clerk_only
def sessions_cancel(session_id: int):
    body = json_object()
    reason = str(body.get("reason") or "")
    return jsonify(
        scheduling.cancel_defense(context(), actor=require_actor(), session_id=session_id, reason=reason)
    )


@bp.get("/sessions/<int:session_id>/invitation.ics")
def sessions_invitation(session_id: int):
    return _ics(invitations.latest_for(context(), kind="defense", event_id=session_id, actor=require_actor()))


@bp.get("/sessions/free-slots")
@clerk_only
def sessions_free_slots():
    """The query is checked against its documented schema before this runs (a 400 naming every bad
    parameter: `day`, `minutes` within the domain's 15–540, `room` and `experts` lengths)."""
    args, (low, high) = request.args, scheduling.SLOT_MINUTES
    day = _day(args.get("day"), "day")
    if day is None:
        raise InvalidInput("缺少 day / day is required", {"day": ["必填 / required"]})
    return jsonify(
        scheduling.suggest_slots(
            context(),
            actor=require_actor(),
            day=day,
            minutes=int_arg("minutes", default=60, minimum=low, maximum=high),
            experts=[e for e in (args.get("experts") or "").split(",") if e],
            room=args.get("room"),
        )
    )
