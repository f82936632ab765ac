"""The city bureau's round pages: open a round, draw panels, schedule site visits and defense sessions,
rank and select. Each form calls the same review use case as /api; a refusal comes back on the page
next to the form that caused it, with the reasons (a double booking names the other event).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..actors import ADMIN, CITY_CLERK
from ..clock import SHANGHAI
from ..consortium.reviews import findings, panel_access, panels, rounds, scheduling, scoring, selection
from ..consortium.reviews.round_board import read_board
from ..errors import Conflict, InvalidInput, NotFound
from .common import actor, context, login_required
from .i18n import bilingual, t

bp = Blueprint("web_rounds", __name__)


def _clerks_only() -> None:
    """Round management is the city bureau's; for anyone else these pages do not exist."""
    if not actor().has(CITY_CLERK, ADMIN):
        raise NotFound("页面不存在 / No such page")


def _when(day: str, clock: str, name: str) -> datetime:
    """A date and a time typed on the page, read as Qingdao time."""
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=SHANGHAI)
    except ValueError:
        raise InvalidInput(
            "请填写日期和时间 / Enter a date and a time",
            {name: ["日期或时间格式有误 / invalid date or time"]},
        ) from None


def _number(text: str, name: str, kind=float):
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput("请填写数字 / Enter a number", {name: ["须为数字 / must be a number"]}) from None


# --- rounds --------------------------------------------------------------------------------------------


@bp.get("/rounds")
@login_required
def index():
    _clerks_only()
    return _rounds_page({}, {})


def _rounds_page(values: dict[str, str], errors: dict[str, list[str]], status: int = 200):
    listed = rounds.list_rounds(context(), actor=actor())
    return render_template("rounds.html", rounds=listed, values=values, errors=errors), status


@bp.post("/rounds")
@login_required
def open_round():
    _clerks_only()
    form = request.form
    values = {k: (form.get(k) or "").strip() for k in form if k != "csrf_token"}
    try:
        opened = rounds.open_round(
            context(),
            actor=actor(),
            name=values.get("name", ""),
            opens_at=_when(values.get("opens_day", ""), values.get("opens_time", ""), "opensAt"),
            closes_at=_when(values.get("closes_day", ""), values.get("closes_time", ""), "closesAt"),
            passing_score=_number(values.get("passing_score") or "60", "passingScore"),
            panel_size=_number(values.get("panel_size") or "5", "panelSize", int),
            panel_reserves=_number(values.get("panel_reserves") or "2", "panelSize", int),
        )
    except InvalidInput as exc:
        return _rounds_page(values, exc.fields, 422)
    flash(t("round_opened"), "ok")
    return redirect(url_for("web_rounds.show", round_id=opened["id"]), code=303)


# --- one round ---------------------------------------------------------------------------------------------


@bp.get("/rounds/<int:round_id>")
@login_required
def show(round_id: int):
    _clerks_only()
    return _round_page(round_id)


def _round_page(
    round_id: int, form: str | None = None, errors: dict[str, list[str]] | None = None, status: int = 200
):
    """The whole round; `form` names the form whose refusal (`errors`) is shown beside it."""
    ctx, who = context(), actor()
    board = read_board(ctx, round_id=round_id, actor=who)
    drawn = {
        r.panel_id: {
            "draw": panels.verify_draw(ctx, panel_id=r.panel_id, actor=who),
            "seats": panel_access.describe_panel(ctx, panel_id=r.panel_id, actor=who)["seats"],
        }
        for r in board.rows
        if r.panel_id
    }
    notice = None
    if board.round["status"] == "decided":
        try:
            notice = selection.round_notice(ctx, round_id=round_id)
        except NotFound:
            notice = None
    page = render_template(
        "round.html",
        board=board,
        drawn=drawn,
        ranking=scoring.ranking(ctx, round_id=round_id, actor=who),
        notice=notice,
        form=form,
        errors=errors or {},
        values=request.form if form else {},
    )
    return page, status


def _refused(round_id: int, form: str, exc: InvalidInput):
    """Back to the round page with the reasons beside `form` (422), what was typed kept."""
    problems = {name: [bilingual(m) for m in messages] for name, messages in exc.fields.items()}
    problems.setdefault("_", []).insert(0, bilingual(str(exc)))
    return _round_page(round_id, form, problems, 422)


@bp.post("/rounds/<int:round_id>/panels")
@login_required
def draw(round_id: int):
    _clerks_only()
    number = request.form.get("application_no") or ""
    try:
        drawn = panels.draw_panel(context(), round_id=round_id, application_no=number, actor=actor())
    except InvalidInput as exc:
        return _refused(round_id, f"draw-{number}", exc)
    flash(f"{t('panel_drawn')}: {number} · seed {drawn['seed']}", "ok")
    for warning in drawn.get("warnings", []):  # fewer reserves than the round configures (issue 17)
        flash(bilingual(warning), "warn")
    return redirect(url_for("web_rounds.show", round_id=round_id, _anchor=f"panel-{drawn['panelId']}"), 303)


@bp.post("/rounds/<int:round_id>/site-visits")
@login_required
def site_visit(round_id: int):
    _clerks_only()
    form = request.form
    try:
        scheduling.schedule_site_visit(
            context(),
            actor=actor(),
            application_no=form.get("application_no") or "",
            starts_at=_when(form.get("day", ""), form.get("starts", ""), "startsAt"),
            ends_at=_when(form.get("day", ""), form.get("ends", ""), "endsAt"),
            address=(form.get("address") or "").strip() or None,
        )
    except InvalidInput as exc:
        return _refused(round_id, "visit", exc)
    flash(t("visit_scheduled"), "ok")
    return redirect(url_for("web_rounds.show", round_id=round_id, _anchor="visits"), code=303)


@bp.post("/rounds/<int:round_id>/site-visits/<int:visit_id>/cancellation")
@login_required
def cancel_visit(round_id: int, visit_id: int):
    """Call a scheduled visit off (a reason is required), so the application can be booked again."""
    _clerks_only()
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        return _round_page(round_id, "visit", {"reason": [t("cancel_reason_required")]}, 422)
    try:
        scheduling.cancel_site_visit(context(), actor=actor(), visit_id=visit_id, reason=reason)
    except Conflict as exc:
        return _round_page(round_id, "visit", {"_": [bilingual(str(exc))]}, 409)
    flash(t("visit_cancelled"), "ok")
    return redirect(url_for("web_rounds.show", round_id=round_id, _anchor="visits"), code=303)


@bp.post("/rounds/<int:round_id>/sessions")
@login_required
def defense(round_id: int):
    """A session in one room; the chosen consortia get consecutive slots of the given length."""
    _clerks_only()
    form = request.form
    try:
        starts = _when(form.get("day", ""), form.get("starts", ""), "startsAt")
        ends = _when(form.get("day", ""), form.get("ends", ""), "endsAt")
        minutes = _number(form.get("slot_minutes") or "60", "slot_minutes", int)
        scheduling.schedule_defense(
            context(),
            actor=actor(),
            round_id=round_id,
            room=form.get("room") or "",
            starts_at=starts,
            ends_at=ends,
            slots=_consecutive(form.getlist("application_no"), starts, minutes),
        )
    except InvalidInput as exc:
        return _refused(round_id, "defense", exc)
    flash(t("defense_scheduled"), "ok")
    return redirect(url_for("web_rounds.show", round_id=round_id, _anchor="sessions"), code=303)


def _consecutive(numbers: list[str], starts: datetime, minutes: int) -> list[dict[str, Any]]:
    slot = timedelta(minutes=minutes)
    return [
        {"application_no": no, "starts_at": starts + i * slot, "ends_at": starts + (i + 1) * slot}
        for i, no in enumerate(numbers)
    ]


@bp.post("/rounds/<int:round_id>/findings-override")
@login_required
def findings_override(round_id: int):
    """The city clerk's written override of the experts' findings for one application (issue 13 item 4)."""
    _clerks_only()
    number = request.form.get("application_no") or ""
    try:
        findings.override_findings(context(), application_no=number, actor=actor(),
                                   reason=request.form.get("reason") or "")
    except InvalidInput as exc:
        return _refused(round_id, f"override-{number}", exc)
    flash(f"{t('findings_overridden')}: {number}", "ok")
    return redirect(url_for("web_rounds.show", round_id=round_id, _anchor="selection"), code=303)


@bp.post("/rounds/<int:round_id>/selection")
@login_required
def select(round_id: int):
    _clerks_only()
    form = request.form
    excluded = {
        no: (form.get(f"reason.{no}") or "").strip() for no in form.getlist("exclude")
    }
    try:
        threshold = _number(form["threshold"], "threshold") if form.get("threshold") else None
        decided = selection.decide_selection(
            context(),
            round_id=round_id,
            actor=actor(),
            threshold=threshold,
            opinion=(form.get("opinion") or "").strip() or None,
            excluded=excluded,
        )
    except InvalidInput as exc:
        return _refused(round_id, "selection", exc)
    except Conflict as exc:  # some application of the round is still under review (selection.py)
        return _round_page(round_id, "selection", {"_": [bilingual(str(exc))]}, 409)
    flash(f"{t('selection_decided')}: {len(decided['selected'])}", "ok")
    return redirect(url_for("web_rounds.show", round_id=round_id, _anchor="selection"), code=303)


@bp.post("/rounds/<int:round_id>/applications/<application_no>/selection")
@login_required
def select_one(round_id: int, application_no: str):
    """One application's selection as soon as its own review is complete (七（一） 成熟一个、支持一个):
    an optional exclusion reason; the threshold is the round's passing score."""
    _clerks_only()
    reason = (request.form.get("exclude_reason") or "").strip() or None
    try:
        decided = selection.decide_application(
            context(), application_no=application_no, actor=actor(), exclude_reason=reason
        )
    except InvalidInput as exc:
        return _refused(round_id, f"one-{application_no}", exc)
    flash(f"{t('one_decided')}: {application_no} · {t('outcome.' + decided['decision'])}", "ok")
    return redirect(url_for("web_rounds.show", round_id=round_id, _anchor="selection"), code=303)
