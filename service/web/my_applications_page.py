"""我的申请 / My applications: the lead unit's and member units' view of their applications."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..consortium.my_applications import list_my_applications
from .common import actor, context, login_required
from .inbox import waited

bp = Blueprint("web_my_applications", __name__)


@bp.get("/my-applications")
@login_required
def index():
    found = list_my_applications(context(), actor=actor())
    return render_template(
        "my_applications.html", applications=found, now=context().now(), waited=waited
    )
