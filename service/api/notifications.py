"""/api/notifications: the caller's own in-app notifications (reminders, overdue tasks, escalations)."""

from __future__ import annotations

from flask import jsonify, request

from ..engine import notifications
from .auth import context
from .domain import bp, require_actor
from .schemas import NotificationSchema

_many = NotificationSchema(many=True)


@bp.get("/notifications")
def list_notifications():
    unread = request.args.get("unread", "").lower() in ("1", "true", "yes")
    found = notifications.list_notifications(context(), actor=require_actor(), unread_only=unread)
    return jsonify(_many.dump(found))


@bp.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int):
    notifications.mark_read(context(), notification_id=notification_id, actor=require_actor())
    return "", 204


@bp.post("/notifications/read-all")
def mark_all_read():
    """Mark every unread notification of the caller read; answers how many were unread."""
    marked = notifications.mark_all_read(context(), actor=require_actor())
    return jsonify(marked=marked)
