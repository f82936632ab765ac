"""The notifications page: the caller's own in-app notifications, newest first, with the unread count
that the header shows on every page; mark one or all read (another user's notification is 404)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..engine import notifications
from .common import actor, context, current_actor, login_required
from .i18n import t

bp = Blueprint("web_notifications", __name__)


@bp.app_template_global()
def unread_notifications() -> int:
    """The signed-in user's unread count, for the header (0 when signed out)."""
    who = current_actor()
    return notifications.count_unread(context(), actor=who) if who else 0


@bp.get("/notifications")
@login_required
def index():
    found = notifications.list_notifications(context(), actor=actor())
    unread = notifications.count_unread(context(), actor=actor())
    return render_template("notifications.html", notes=found, unread=unread)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    notifications.mark_read(context(), notification_id=notification_id, actor=actor())
    flash(t("marked_read"), "ok")
    return redirect(url_for("web_notifications.index"), code=303)


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    notifications.mark_all_read(context(), actor=actor())
    flash(t("marked_read"), "ok")
    return redirect(url_for("web_notifications.index"), code=303)
