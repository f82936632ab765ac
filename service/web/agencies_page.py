"""Third-party evaluation agencies, where staff look for them (guideline 七（二）; issue 14 item 12):

- `/evaluation-agencies`: the register of agencies; a city clerk registers one (and its unit in the
  organisation register when missing) and withdraws or reinstates it; anyone signed in reads it;
- `/agency-evaluations`: the evaluations entrusted to the signed-in agency's staff (the city: all), each
  with the task where the agency records its score, grade and report.

The same use cases as /api (service/api/agencies.py); each is audited there.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..actors import CITY_CLERK
from ..consortium.supervision import agencies
from ..consortium.supervision.evaluations import GRADE_NAMES
from ..errors import Conflict, InvalidInput
from .common import actor, context, login_required
from .i18n import bilingual, t

bp = Blueprint("web_agencies", __name__)
FIELDS = ("credit_code", "name", "category", "district", "qualification", "contact")


def _register_page(values: dict[str, str], errors: dict, status: int = 200):
    return render_template(
        "agencies.html", agencies=agencies.list_agencies(context(), include_inactive=True),
        may_register=actor().has(CITY_CLERK), values=values, errors=errors,
    ), status


@bp.get("/evaluation-agencies")
@login_required
def index():
    return _register_page({}, {})


@bp.post("/evaluation-agencies")
@login_required
def register():
    values = {k: (request.form.get(k) or "").strip() for k in FIELDS}
    try:
        made = agencies.register_agency(
            context(), actor=actor(), credit_code=values["credit_code"],
            qualification=values["qualification"],
            name=values["name"] or None, category=values["category"] or "other",
            district=values["district"] or None, contact=values["contact"] or None,
        )
    except InvalidInput as exc:
        return _register_page(values, {**(exc.fields or {}), "_": [bilingual(str(exc))]}, 422)
    flash(t("agency.registered", name=made["name"]), "ok")
    return redirect(url_for("web_agencies.index"), code=303)


@bp.post("/evaluation-agencies/<credit_code>/active")
@login_required
def set_active(credit_code: str):
    active = request.form.get("active") == "true"
    try:
        agencies.set_agency_active(context(), actor=actor(), credit_code=credit_code, active=active)
    except Conflict as exc:  # open entrusted evaluations, listed in the message
        return _register_page({}, {"_": [bilingual(str(exc))]}, 409)
    flash(t("agency.updated"), "ok")
    return redirect(url_for("web_agencies.index"), code=303)


@bp.get("/agency-evaluations")
@login_required
def evaluations():
    # Forbidden (403) outside the agencies and the city
    rows = agencies.list_assignments(context(), actor=actor())
    return render_template("agency_evaluations.html", rows=rows, grades=GRADE_NAMES)
