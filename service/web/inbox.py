"""The inbox: tabs per view with counts, filters, due-date order, claim and unclaim."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..consortium.inbox import VIEWS, InboxFilter, list_inbox
from ..engine import tasks
from .common import actor, context, login_required
from .i18n import bilingual

bp = Blueprint("web_inbox", __name__)


def _filters() -> InboxFilter:
    args = request.args
    return InboxFilter(
        view=args.get("view") or "mine",
        round=args.get("round") or None,
        district=args.get("district") or None,
        step=args.get("step") or None,
        industry=args.get("industry") or None,
        descending=args.get("order") == "desc",
    )


@bp.get("/")
@login_required
def inbox():
    filters = _filters()
    found = list_inbox(context(), actor=actor(), filters=filters)
    return render_template(
        "inbox.html", inbox=found, filters=filters, views=VIEWS, now=context().now(), args=request.args
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
