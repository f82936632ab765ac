"""An expert's panel pages: the no-conflict declaration first (only the parties are shown, never the
material), then the material and the score sheet on the round's rubric; a signed sheet is locked and
shown read-only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms import registry as form_registry

from ..consortium.casefile import read_case_material
from ..consortium.reviews import panel_access, panel_opinion, panels, rounds, scoring
from ..consortium.reviews.round_board import my_seats
from ..errors import Conflict, InvalidInput, NotFound
from .common import actor, context, login_required
from .i18n import bilingual, t

bp = Blueprint("web_panels", __name__)


@bp.get("/panels")
@login_required
def index():
    return render_template("panels.html", seats=my_seats(context(), actor=actor()))


@bp.get("/panels/<int:panel_id>")
@login_required
def show(panel_id: int):
    return _page(panel_id)


def _page(panel_id: int, values: dict[str, Any] | None = None, errors=None, status: int = 200):
    ctx, who = context(), actor()
    panel = panel_access.describe_panel(ctx, panel_id=panel_id, actor=who)
    seat = panel.get("seat")
    if seat is None:  # clerks read panels on the round page; published panels are not an expert's page
        raise NotFound("评审专家组不存在 / No such panel")
    declared = seat["status"] == "declared"
    sheet = _my_sheet(panel_id) if declared else None
    material = (
        panel_access.review_file(ctx, application_no=panel["applicationNo"], actor=who)
        if declared and panel["confirmed"]  # the material opens once the whole panel has signed
        else None
    )
    page = render_template(
        "panel.html",
        panel=panel,
        seat=seat,
        declared=declared,
        material=material,
        casefile=read_case_material(ctx, actor=who, application_no=panel["applicationNo"])
        if material
        else None,
        plan_sections=form_registry.json_schema("draft_plan")["properties"]["plan"]["properties"],
        rubric=rounds.get_round(ctx, round_id=panel["roundId"], actor=who)["rubric"],
        sheet=sheet,
        opinion=_opinion(panel_id) if declared else None,
        hide_opinion=True,  # shown in its own section (with the leader's button), not inside the case file
        values=values if values is not None else (sheet or {}),
        errors=errors or {},
    )
    return page, status


def _opinion(panel_id: int) -> panel_opinion.OpinionDocument | None:
    try:
        return panel_opinion.opinion_document(context(), actor=actor(), panel_id=panel_id)
    except NotFound:
        return None


@bp.post("/panels/<int:panel_id>/opinion")
@login_required
def generate_opinion(panel_id: int):
    """The panel leader generates the consolidated opinion (专家组意见) from the signed sheets."""
    try:
        panel_opinion.generate_opinion(context(), panel_id=panel_id, actor=actor())
    except Conflict as exc:
        return _page(panel_id, None, {"opinion": [bilingual(str(exc))]}, 409)
    flash(t("doc.opinion_generated"), "ok")
    return redirect(url_for("web_panels.show", panel_id=panel_id, _anchor="opinion"), code=303)


@bp.post("/panels/<int:panel_id>/opinion/confirm")
@login_required
def confirm_opinion(panel_id: int):
    """The panel leader confirms and signs the opinion (another expert: 403; no signature: 422)."""
    try:
        panel_opinion.confirm_opinion(
            context(), panel_id=panel_id, actor=actor(), signature=request.form.get("signature") or ""
        )
    except InvalidInput as exc:
        return _page(panel_id, None, {"opinion_signature": exc.fields.get("signature", [])}, 422)
    except Conflict as exc:
        return _page(panel_id, None, {"opinion": [bilingual(str(exc))]}, 409)
    flash(t("doc.opinion_confirmed"), "ok")
    return redirect(url_for("web_panels.show", panel_id=panel_id, _anchor="opinion"), code=303)


def _my_sheet(panel_id: int) -> dict[str, Any] | None:
    try:
        return scoring.my_sheet(context(), panel_id=panel_id, actor=actor())
    except NotFound:
        return None


@bp.post("/panels/<int:panel_id>/declaration")
@login_required
def declare(panel_id: int):
    form = request.form
    answer = form.get("no_conflict")
    try:
        if answer not in ("yes", "no"):
            raise InvalidInput("请选择 / Choose one", {"no_conflict": ["必填 / required"]})
        panels.declare(
            context(),
            panel_id=panel_id,
            actor=actor(),
            no_conflict=answer == "yes",
            statement=(form.get("statement") or "").strip(),
            signature=(form.get("signature") or "").strip(),
        )
    except InvalidInput as exc:
        return _page(panel_id, {"declaration": dict(form)}, exc.fields, 422)
    if answer == "no":
        flash(t("conflict_declared"), "ok")
        return redirect(url_for("web_panels.index"), code=303)
    flash(t("declaration_signed"), "ok")
    return redirect(url_for("web_panels.show", panel_id=panel_id), code=303)


@bp.post("/panels/<int:panel_id>/score-sheet")
@login_required
def score(panel_id: int):
    """Save the draft; with action=sign also sign it, which locks it and completes the scoring step."""
    ctx, who = context(), actor()
    panel = panel_access.describe_panel(ctx, panel_id=panel_id, actor=who)
    rubric = rounds.get_round(ctx, round_id=panel["roundId"], actor=who)["rubric"]
    scores = _scores(rubric, request.form)
    dissent = (request.form.get("dissent") or "").strip()
    typed = {"scores": scores, "dissent": dissent, "signature": request.form.get("signature") or ""}
    try:
        scoring.save_sheet(ctx, panel_id=panel_id, actor=who, scores=scores, dissent=dissent)
        if request.form.get("action") == "sign":
            scoring.sign_sheet(ctx, panel_id=panel_id, actor=who, signature=typed["signature"])
            flash(t("sheet_signed"), "ok")
        else:
            flash(t("draft_saved"), "ok")
    except InvalidInput as exc:
        return _page(panel_id, typed, exc.fields, 422)
    except Conflict as exc:  # e.g. signed before the defense session starts: the draft is kept
        return _page(panel_id, typed, {"_": [bilingual(str(exc))]}, 409)
    return redirect(url_for("web_panels.show", panel_id=panel_id, _anchor="sheet"), code=303)


def _scores(rubric: list[dict[str, Any]], form) -> dict[str, dict[str, Any]]:
    """{dimension: {"score", "comment"}} for the dimensions touched; an unreadable score is kept as typed so
    the use case refuses it beside the field."""
    found: dict[str, dict[str, Any]] = {}
    for dimension in rubric:
        key = dimension["key"]
        raw = (form.get(f"score.{key}") or "").strip()
        comment = (form.get(f"comment.{key}") or "").strip()
        if not raw and not comment:
            continue
        try:
            value: Any = float(raw)
            value = int(value) if value.is_integer() else value
        except ValueError:
            value = raw
        found[key] = {"score": value, "comment": comment}
    return found
