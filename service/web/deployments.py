"""Deployments for process owners: definitions and versions, running instances, DMN decisions, upload a
new version (`.bpmn`, with its `.dmn` and `.form` files)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..engine import browse, decisions, deployments
from ..engine.versions import running_by_definition
from ..errors import InvalidInput
from .common import actor, context, login_required
from .i18n import t

bp = Blueprint("web_deployments", __name__)


def _page(problems: list[str] | None = None, status: int = 200):
    running = running_by_definition(context(), actor=actor())
    definitions = sorted(browse.list_definitions(context()), key=lambda d: (d.key, -d.version))
    tables = sorted(decisions.list_definitions(context()), key=lambda d: (d.key, -d.version))
    page = render_template("deployments.html", definitions=definitions, running=running, problems=problems,
                           decisions=tables)
    return page, status


@bp.get("/deployments")
@login_required
def index():
    return _page()


@bp.post("/deployments")
@login_required
def upload():
    running_by_definition(context(), actor=actor())  # NotFound for anyone but process owners
    files = {f.filename: f.read() for f in request.files.getlist("files") if f and f.filename}
    try:
        result = deployments.deploy(context(), files=files, actor=actor(), name="pages", source="pages")
    except InvalidInput as exc:
        problems = [p for messages in exc.fields.values() for p in messages] or [str(exc)]
        return _page(problems, 422)
    for definition in result.created:
        flash(f"{t('deployed')}: {definition.key} v{definition.version}", "ok")
    for definition in result.unchanged:
        flash(f"{t('unchanged')}: {definition.key} v{definition.version}", "info")
    for decision in result.decisions_created:
        flash(f"{t('deployed')}: {t('decision')} {decision.key} v{decision.version}", "ok")
    for decision in result.decisions_unchanged:
        flash(f"{t('unchanged')}: {t('decision')} {decision.key} v{decision.version}", "info")
    return redirect(url_for("web_deployments.index"), code=303)
