"""The defense calendar: a week of defense sessions and site visits, with each event's `.ics` file."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request

from ..consortium.reviews.defense_calendar import event_ics, read_week
from .common import actor, context, login_required

bp = Blueprint("web_calendar", __name__)


def _day(text: str | None) -> date | None:
    """`?week=2026-03-04` shows the week holding that day; anything unreadable shows this week."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/calendar")
@login_required
def week():
    shown = read_week(context(), actor=actor(), day=_day(request.args.get("week")))
    return render_template("calendar.html", week=shown)


@bp.get("/calendar/<kind>/<int:event_id>.ics")
@login_required
def ics(kind: str, event_id: int):
    text = event_ics(context(), kind=kind, event_id=event_id, actor=actor())
    return Response(
        text,
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename={kind}-{event_id}.ics"},
    )
