"""Camunda Modeler's Cockpit link (issue 16): after a deploy, Modeler 5 asks the engine's host for
`/.well-known/camunda-automation-platform/webapps` and offers to open Cockpit at the new definition.

The answer names `/webapps/{admin,cockpit,tasklist}/`; Modeler appends `default/#/...` to them, and
those addresses redirect to the product's own pages: Cockpit to the deployments page (where process
owners see definitions and their versions), Tasklist to the inbox, Admin to the audit trail. The
fragment Modeler adds (the definition id) never reaches a server, so the deployments page is the target.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request
from werkzeug.exceptions import NotFound

bp = Blueprint("well_known", __name__)
PAGES = {"cockpit": "/deployments", "tasklist": "/", "admin": "/admin/audit"}


@bp.get("/.well-known/camunda-automation-platform/webapps")
def webapps():
    base = request.host_url.rstrip("/")
    return jsonify({f"{app}Url": f"{base}/webapps/{app}/" for app in ("admin", "cockpit", "tasklist")})


@bp.get("/webapps/<app>/")
@bp.get("/webapps/<app>/<path:rest>")
def webapp(app: str, rest: str = ""):
    """Redirect a Camunda webapp address to the product's page for it (302)."""
    if app not in PAGES:
        raise NotFound()
    return redirect(PAGES[app])


