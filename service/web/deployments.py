"""Deployments for process owners: definitions and versions, running instances, DMN decisions, upload a
new version (`.bpmn`, with its `.dmn` and `.form` files), move an older version's running instances to the
newest (engine/migration.py, issue 15 item 8)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..engine import browse, decisions, deployments, migration
from ..engine.store.instance_query import InstanceQuery
from ..engine.versions import running_by_definition
from ..errors import InvalidInput
from .common import actor, context, login_required
from .i18n import t

bp = Blueprint("web_deployments", __name__)


def _page(problems: list[str] | None = None, status: int = 200):
    running = running_by_definition(context(), actor=actor())
    definitions = sorted(browse.list_definitions(context()), key=lambda d: (d.key, -d.version))
    latest: dict[str, object] = {}
    for definition in definitions:
        latest.setdefault(definition.key, definition)
    tables = sorted(decisions.list_definitions(context()), key=lambda d: (d.key, -d.version))
    page = render_template("deployments.html", definitions=definitions, running=running, problems=problems,
                           latest=latest, decisions=tables)
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


def _check_newest(source_id: str, target_id: str) -> None:
    """The migrate button moves instances to the newest version of the source's key, nothing else.

    Raises:
        InvalidInput: the target is not that newest version (or the source is unknown).
    """
    definitions = browse.list_definitions(context())
    source = next((d for d in definitions if d.id == source_id), None)
    newest = max((d for d in definitions if source is not None and d.key == source.key),
                 key=lambda d: d.version, default=None)
    if newest is None or newest.id != target_id:
        raise InvalidInput("只能迁移到最新版本 / Instances can only be moved to the newest version of the "
                           "process", {"target_id": ["须为最新版本 / must be the newest version"]})


@bp.post("/deployments/migrate")
@login_required
def migrate():
    """Move every running instance of `definition_id` the owner may see to the newest version of its key,
    activity by equal id; all or none (a refusal lists what cannot move)."""
    running_by_definition(context(), actor=actor())  # NotFound for anyone but process owners
    source = request.form.get("definition_id", "")
    target = request.form.get("target_id", "")
    try:
        _check_newest(source, target)
    except InvalidInput as exc:
        return _page([str(exc)], 400)
    try:
        plan = migration.generate(context(), actor=actor(), source_id=source, target_id=target)
        moved = migration.execute(context(), actor=actor(), plan=plan,
                                  query=InstanceQuery(definition_id=source, status="active"))
    except InvalidInput as exc:
        return _page([str(exc)], 422)
    [definition] = [d for d in browse.list_definitions(context()) if d.id == plan.target_id]
    flash(t("migrated", count=len(moved), process=definition.key, version=definition.version), "ok")
    return redirect(url_for("web_deployments.index"), code=303)
