"""The city bureau's dashboard."""

from __future__ import annotations

import json

from flask import Blueprint, render_template

from forms.vocabulary import INDUSTRIES

from ..consortium.dashboard import read_dashboard
from .common import actor, context, login_required
from .i18n import industry, status, t

bp = Blueprint("web_dashboard", __name__)


@bp.get("/dashboard")
@login_required
def index():
    board = read_dashboard(context(), actor=actor())
    charts = {
        "industry": {
            "labels": [industry(i.code) for i in INDUSTRIES],
            "values": [board.in_force_by_industry[i.code] for i in INDUSTRIES],
            "title": t("in_force_by_industry"),
        },
        "pipeline": {
            "labels": [status(s) for s in board.pipeline],
            "values": list(board.pipeline.values()),
            "title": t("pipeline"),
        },
        "target": {"filed": board.in_force_total, "target": board.target, "title": t("target")},
    }
    return render_template("dashboard.html", board=board, charts_json=json.dumps(charts, ensure_ascii=False))
