"""The inbox: tabs per view with counts, search, filters, sortable columns, pages, claim and unclaim."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..consortium.inbox import CLAIM_FILTERS, DUE_FILTERS, VIEWS, list_inbox, parse_filter
from ..engine import tasks
from ..errors import InvalidInput
from .common import actor, context, login_required
from .i18n import bilingual, t

bp = Blueprint("web_inbox", __name__)
COLUMNS = ("number", "consortium", "lead", "step", "district", "waiting", "due")


def waited(since: datetime, now: datetime) -> str:
    """How long a task has waited, in the reader's language: "3天2小时" / "3 d 2 h", "45分钟" / "45 min"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return t("waited_days", days=days, hours=hours)
    if hours:
        return t("waited_hours", hours=hours, minutes=mins)
    return t("waited_minutes", minutes=mins)


@bp.get("/")
@login_required
def inbox():
    try:
        filters = parse_filter(request.args)
    except InvalidInput as exc:
        return render_template("error.html", message=bilingual(str(exc)), status=400), 400
    found = list_inbox(context(), actor=actor(), filters=filters)
    return render_template(
        "inbox.html", inbox=found, filters=filters, views=VIEWS, now=context().now(), args=request.args,
        columns=COLUMNS, due_filters=DUE_FILTERS, claim_filters=CLAIM_FILTERS, waited=waited,
    )


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    tasks.claim_task(context(), task_id=task_id, actor=actor())
    flash(bilingual("已认领 / Claimed"), "ok")
    return redirect(request.form.get("back") or url_for("web_task.show", task_id=task_id), code=303)


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str):
    tasks.unclaim_task(context(), task_id=task_id, actor=actor())
    flash(bilingual("已退回认领 / Unclaimed"), "ok")
    return redirect(url_for("web_inbox.inbox"), code=303)
