"""The task page: the form drawn from its schema, drafts, uploads, and on to the next task."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms import registry as form_registry

from ..consortium import corrections, objections, reinvitation
from ..consortium.casefile import REVIEW_FORMS, read_case_material
from ..consortium.reviews.review_steps import DEFENSE_SCORING, ROUND_STEPS, step_of
from ..consortium.reviews.round_board import round_of_application
from ..engine import comments, drafts, identities, tasks, uploads
from ..engine.inbox import next_task
from ..errors import DiagramFailed, InvalidInput, NotFound
from ..safe_json import MalformedRequest, loads
from . import form_choices, form_fields
from .common import actor, context, login_required, upload_dir
from .i18n import t

bp = Blueprint("web_task", __name__)

SUMMARY = (
    "application_no", "consortium_name", "lead_name", "industry", "key_technology", "district_opinion",
    "city_opinion", "correction_note", "selection_opinion", "hold_reason",
)


def _page(task_id: str, values: dict[str, Any] | None, errors: dict[str, list[str]], status: int = 200):
    ctx, who = context(), actor()
    task = tasks.get_task(ctx, task_id=task_id, actor=who)
    variables = tasks.task_variables(ctx, task_id=task_id, actor=who)
    schema = _schema(task, variables)
    returned = corrections.returned(variables) if task.form_key == corrections.FORM_KEY else []
    if returned and values is None:  # the returned sections open prefilled with their current values
        values = corrections.prefill(variables)
    declined = reinvitation.declined(variables) if task.form_key == reinvitation.FORM_KEY else []
    if declined and values is None:  # a member declined: the others stay, the lead replaces the one who left
        values = reinvitation.prefill(variables)
    if task.delegation_state == "RESOLVED" and values is None:  # the delegate's form, for the owner to check
        values = {k: variables[k] for k in schema.get("properties", {}) if k in variables}
    try:
        drawn = tasks.drawn_form(ctx, task_id=task_id, actor=who)
    except InvalidInput as exc:  # a formRef no deployment holds: say so on the page, nothing to fill in
        drawn, errors = None, {**errors, **form_fields.flatten_errors(exc.fields)}
    form_js = drawn.form_js() if drawn else None
    body = render_template(
        "task.html",
        task=task,
        form_js=form_js,
        form_js_data=_prefill(drawn, variables, values) if drawn else {},
        drawn_labels={r.key: r.label or r.key for r in drawn.rules} if drawn else {},
        schema=schema,
        views=form_fields.describe(schema),
        values=values or {},
        errors=errors,
        summary=[(k, variables[k]) for k in SUMMARY if variables.get(k)],
        item={k: v for k, v in json.loads(task.context_json or "{}").items() if k == "item"},
        may_work=tasks.may_take(ctx, task_id=task_id, actor=who),  # never a form that would be refused
        objection=objections.view_for_task(ctx, task_id=task_id, actor=who),  # its own objection only
        colleagues=tasks.colleagues(ctx, task_id=task_id, actor=who),
        delegates=tasks.delegates(ctx, task_id=task_id, actor=who),
        names=identities.display_names(ctx, [task.owner, task.assignee]),  # never a bare id, never None
        comments=comments.list_comments(ctx, task_id=task_id, actor=who),
        ff=form_fields,
        casefile=_casefile(task),
        returned=returned,
        declined=declined,
    )
    return body, status


def _name(user_id: str | None) -> str:
    """A user's display name for a message (the id when it has none; "—" for nobody)."""
    if not user_id:
        return "—"
    return identities.display_names(context(), [user_id]).get(user_id, user_id)


def _schema(task, variables: dict[str, Any]) -> dict[str, Any]:
    """The task's built-in form schema (none for a drawn form or an unknown formKey); a correction's is
    cut down to the sections the review returned."""
    if not _builtin(task):
        return {"properties": {}}
    schema = form_choices.with_choices(context(), form_registry.json_schema(task.form_key))
    if task.form_key == corrections.FORM_KEY:
        return corrections.correction_form(schema, variables)
    return schema


def _builtin(task) -> bool:
    """Whether the task's formKey names a built-in (`forms/`) schema the page draws itself."""
    return bool(task.form_key) and task.form_key in form_registry.FORMS


def _prefill(drawn, variables: dict[str, Any], values: dict[str, Any] | None) -> dict[str, Any]:
    """What a Camunda Form (or generated form) shows: the variables its fields write, then what was
    just sent (a refused submission comes back as typed)."""
    keys = drawn.keys()
    shown = {k: variables[k] for k in keys if k in variables}
    shown.update({k: v for k, v in (values or {}).items() if k in keys})
    return shown


def _casefile(task):
    """The case file beside a reviewing task's form (issue 13 item 1), as far as the reviewer may read it."""
    if task.form_key not in REVIEW_FORMS:
        return None
    try:
        return read_case_material(context(), actor=actor(), instance_id=task.instance_id)
    except NotFound:  # an instance with no consortium record (a bare diagram), or not the reviewer's to read
        return None


@bp.get("/tasks/<task_id>")
@login_required
def show(task_id: str):
    elsewhere = _review_page(task_id)
    if elsewhere:
        return redirect(elsewhere, code=303)
    draft = drafts.load_draft(context(), task_id=task_id, actor=actor())
    if draft is not None:
        flash(t("draft_loaded"), "info")
    return _page(task_id, draft, {})


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str):
    ctx, who = context(), actor()
    task = tasks.get_task(ctx, task_id=task_id, actor=who)
    correcting = task.form_key == corrections.FORM_KEY  # its fields depend on what was returned
    variables = tasks.task_variables(ctx, task_id=task_id, actor=who) if correcting else {}
    views = form_fields.describe(_schema(task, variables)) if _builtin(task) else []
    data = form_fields.parse(views, request.form)
    if "camunda_form_data" in request.form:  # a Camunda Form or generated form, rendered by form-js
        data = _form_js_data(request.form["camunda_form_data"])
    try:
        _attach_uploads(task_id, views, data)
    except InvalidInput as exc:
        return _page(task_id, data, form_fields.flatten_errors(exc.fields), 422)
    if request.form.get("action") == "rows":  # more table rows: show the form again, nothing checked yet
        return _page(task_id, data, {})
    if request.form.get("action") == "draft":
        drafts.save_draft(ctx, task_id=task_id, actor=who, data=data)
        flash(t("draft_saved"), "ok")
        return redirect(url_for("web_task.show", task_id=task_id), code=303)
    delegated = task.delegation_state == "PENDING" and task.assignee == who.id
    try:
        if delegated:  # the delegate's submission gives the task back to its owner, who completes it
            tasks.resolve_task(ctx, task_id=task_id, actor=who, data=data, form=True)
        else:
            tasks.complete_task(ctx, task_id=task_id, actor=who, data=data, form=True)
    except InvalidInput as exc:
        return _page(task_id, data, form_fields.flatten_errors(exc.fields), 422)
    except DiagramFailed as exc:  # the diagram's code failed or looped: the form again, nothing was saved
        return _page(task_id, data, {"_schema": [str(exc)]}, 422)
    drafts.discard_drafts(ctx, task_id=task_id)
    if delegated:
        flash(t("task_resolved", user=_name(task.owner)), "ok")
        return redirect(url_for("web_inbox.inbox"), code=303)
    following = next_task(ctx, actor=who, instance_id=task.instance_id)
    if following:
        flash(t("completed_next"), "ok")
        return redirect(url_for("web_task.show", task_id=following), code=303)
    flash(t("completed_inbox"), "ok")
    return redirect(url_for("web_inbox.inbox"), code=303)


INT64 = (-(2**63), 2**63 - 1)
MAX_FIELDS = 1000  # values one form may send (as /engine-rest's variables per request)


def _form_js_data(text: str) -> dict[str, Any]:
    """The values form-js submitted (JSON of an object), parsed as /engine-rest parses a body (depth,
    NUL bytes, surrogates, NaN, number sizes: `safe_json.loads`), with whole numbers within Camunda's
    Long. InvalidInput (a 422 page naming the field) otherwise, so the page accepts no more than the API."""
    try:
        data = loads(text or "{}", "camunda_form_data")
    except MalformedRequest as exc:
        raise InvalidInput("表单数据无效 / The form data is not valid", {"_schema": [exc.reason]}) from None
    if not isinstance(data, dict):
        raise InvalidInput("表单数据无效 / The form data is not valid", {"_schema": ["not a JSON object"]})
    if len(data) > MAX_FIELDS:
        raise InvalidInput("表单数据无效 / The form data is not valid",
                           {"_schema": [f"字段过多 / more than {MAX_FIELDS} values"]})
    for key, value in data.items():
        if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
            raise InvalidInput("表单数据无效 / The form data is not valid",
                               {key: ["整数超出范围 / whole number out of range (64-bit)"]})
    return data


def _review_page(task_id: str) -> str | None:
    """Steps that only the review use cases complete open the page that does it, not a task form:
    the panel and the selection on the round page, the defense score on the expert's score sheet."""
    ctx, who = context(), actor()
    task = tasks.get_task(ctx, task_id=task_id, actor=who)
    step = step_of(task)  # what the diagram declares the step to be (`consortium.step`)
    if step == DEFENSE_SCORING:
        panel_id = tasks.task_variables(ctx, task_id=task_id, actor=who).get("panel_id")
        return url_for("web_panels.show", panel_id=panel_id, _anchor="sheet") if panel_id else None
    if step in ROUND_STEPS:
        round_id = round_of_application(ctx, instance_id=task.instance_id, actor=who)
        return url_for("web_rounds.show", round_id=round_id)
    return None


def _attach_uploads(task_id: str, views: list[form_fields.FieldView], data: dict[str, Any]) -> None:
    """Store every file sent with the form and put its reference where the schema expects it."""
    for view in form_fields.file_fields(views):
        sent = request.files.get(view.name)
        if sent is None or not sent.filename:
            continue
        stored = uploads.store_for_task(
            context(),
            directory=upload_dir(),
            task_id=task_id,
            actor=actor(),
            upload=uploads.Upload(sent.filename, sent.mimetype or "", sent.read()),
            field=view.name,
        )
        form_fields.put(data, view.name, {"file_id": stored.id, "sha256": stored.sha256, "name": stored.name})


@bp.post("/tasks/<task_id>/comment")
@login_required
def comment(task_id: str):
    """A comment on the task, kept in the history (audit `task.commented`)."""
    comments.add_comment(context(), task_id=task_id, actor=actor(), message=request.form.get("message", ""))
    flash(t("comment_added"), "ok")
    return redirect(url_for("web_task.show", task_id=task_id), code=303)


@bp.post("/tasks/<task_id>/assign")
@login_required
def assign(task_id: str):
    """Hand the task to a colleague it is offered to, with an optional comment (recorded first, while
    the sender still sees the task). An unknown or unoffered colleague is refused before anything is saved."""
    ctx, who = context(), actor()
    user_id = (request.form.get("user_id") or "").strip()
    if user_id not in {u for u, _ in tasks.colleagues(ctx, task_id=task_id, actor=who)}:
        raise InvalidInput(
            "指定的办理人不是该任务的候选人 / The user is not a candidate for this task",
            {"user_id": [f"{user_id or '—'} 不是该任务的候选人 / is not offered this task"]},
        )
    message = (request.form.get("message") or "").strip()
    if message:
        comments.add_comment(ctx, task_id=task_id, actor=who, message=message)
    tasks.set_assignee(ctx, task_id=task_id, user_id=user_id, actor=who)
    flash(t("task_handed", user=_name(user_id)), "ok")
    return redirect(url_for("web_inbox.inbox"), code=303)


@bp.post("/tasks/<task_id>/delegate")
@login_required
def delegate(task_id: str):
    """Delegate the task (its assignee only) to a user it is offered to, with an optional comment
    (recorded first, while the sender still holds the task); the delegate resolves it back
    (`tasks.delegate_task`). Anyone else named is refused before anything is saved."""
    ctx, who = context(), actor()
    user_id = (request.form.get("user_id") or "").strip()
    if user_id not in {u for u, _ in tasks.delegates(ctx, task_id=task_id, actor=who)}:
        raise InvalidInput(
            "被委托人须为可以办理该任务的其他用户 / The delegate must be another user offered this task",
            {"user_id": [f"{user_id or '—'} 不能办理该任务 / may not take this task"]},
        )
    message = (request.form.get("message") or "").strip()
    if message:
        comments.add_comment(ctx, task_id=task_id, actor=who, message=message)
    tasks.delegate_task(ctx, task_id=task_id, user_id=user_id, actor=who)
    flash(t("task_delegated", user=_name(user_id)), "ok")
    return redirect(url_for("web_inbox.inbox"), code=303)
