"""/admin/audit: the audit trail's verification for administrators, stream by stream."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..actors import ADMIN
from ..engine.audit_trail import verify_trail
from ..errors import NotFound
from .common import actor, context, login_required

bp = Blueprint("web_audit", __name__)
SHOWN_INTACT = 100  # intact streams listed after the broken ones (all are counted)


@bp.get("/admin/audit")
@login_required
def index():
    """Verify now (and sign the intact heads, as `consortium audit verify` does); 404 for non-admins."""
    if not actor().has(ADMIN):
        raise NotFound("页面不存在 / No such page")
    report = verify_trail(context())
    broken = [s for s in report.streams if not s.ok]
    intact = [s for s in report.streams if s.ok]
    return render_template(
        "admin_audit.html",
        report=report,
        broken=broken,
        intact=intact[:SHOWN_INTACT],
        intact_total=len(intact),
    )
