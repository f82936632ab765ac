"""The organisation register page (issue 14, item 4): everyone signed in reads it; clerks register and
verify organisations; a city clerk waives the lead-unit check with a reason. Same use cases as /api."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..actors import ADMIN, CITY_CLERK, DISTRICT_CLERK
from ..consortium import districts, organisations
from ..errors import Forbidden, InvalidInput
from .common import actor, context, login_required
from .i18n import t

bp = Blueprint("web_organisations", __name__)


def _page(values: dict[str, str], errors: dict, status: int = 200, form: str | None = None):
    ctx = context()
    return render_template(
        "organisations.html",
        rows=organisations.list_organisations(ctx, actor=actor()),
        districts=districts.list_districts(ctx),
        values=values,
        errors=errors,
        form=form,
        staff=actor().has(CITY_CLERK, DISTRICT_CLERK, ADMIN),
        city=actor().has(CITY_CLERK),
    ), status


def _values() -> dict[str, str]:
    return {k: (request.form.get(k) or "").strip() for k in request.form if k not in ("csrf_token", "idem")}


@bp.get("/organisations")
@login_required
def index():
    return _page({}, {})


@bp.post("/organisations")
@login_required
def register():
    values = _values()
    try:
        organisations.register_organisation(
            context(), actor=actor(), credit_code=values.get("credit_code", ""), name=values.get("name", ""),
            category=values.get("category", ""), district=values.get("district") or None,
            confirmation_reason=values.get("confirmation_reason") or None,
        )
    except (InvalidInput, Forbidden) as exc:
        errors = getattr(exc, "fields", {}) or {"_": [str(exc)]}
        return _page(values, {"_": [str(exc)], **errors}, 422 if isinstance(exc, InvalidInput) else 403,
                     "register")
    flash(t("org_registered"), "ok")
    return redirect(url_for("web_organisations.index"), code=303)


@bp.post("/organisations/<credit_code>/verification")
@login_required
def verify(credit_code: str):
    values = _values()
    try:
        organisations.confirm_organisation(
            context(), actor=actor(), credit_code=credit_code, reason=values.get("reason") or None,
            district=values.get("district") or None,
        )
    except InvalidInput as exc:
        return _page(values, {"_": [str(exc)], **exc.fields}, 422, f"verify-{credit_code}")
    flash(t("org_verified"), "ok")
    return redirect(url_for("web_organisations.index"), code=303)


@bp.post("/organisations/<credit_code>/lead-check-override")
@login_required
def override(credit_code: str):
    values = _values()
    try:
        organisations.override_lead_check(
            context(), actor=actor(), credit_code=credit_code, reason=values.get("reason", "")
        )
    except InvalidInput as exc:
        return _page(values, {"_": [str(exc)], **exc.fields}, 422, f"override-{credit_code}")
    flash(t("org_lead_overridden"), "ok")
    return redirect(url_for("web_organisations.index"), code=303)
