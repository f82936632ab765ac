"""The pages: server-rendered Flask + Jinja2, Chinese first, calling the same use cases as the API.

`register` adds the page blueprints, CSRF checks, security headers, the language helpers and the
front-end packages npm installed (bpmn-js, ECharts), served as they are, without a build step.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flask import Flask, abort, current_app, flash, redirect, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException

from ..api.auth import SESSION_LIFETIME
from ..clock import SHANGHAI, local_minutes
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from . import (
    agencies_page,
    applications,
    audit_page,
    auth,
    calendar,
    dashboard,
    deployments,
    documents,
    i18n,
    idempotency,
    identities_page,
    inbox,
    my_applications_page,
    notifications_page,
    organisations_page,
    panel_pages,
    public,
    registry,
    rounds,
    security,
    supervision_page,
    task_page,
)
from .common import current_actor

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
VENDOR = {  # what the pages load from npm packages, by the path they use
    "bpmn-js/bpmn-navigated-viewer.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "bpmn-js/diagram-js.css": "bpmn-js/dist/assets/diagram-js.css",
    "bpmn-js/bpmn-js.css": "bpmn-js/dist/assets/bpmn-js.css",
    "bpmn-js/bpmn-font/css/bpmn.css": "bpmn-js/dist/assets/bpmn-font/css/bpmn.css",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "form-js/form-viewer.umd.js": "@bpmn-io/form-js/dist/form-viewer.umd.js",  # Camunda Forms (issue 15)
    "form-js/form-js.css": "@bpmn-io/form-js/dist/assets/form-js.css",
}
BLUEPRINTS = (
    auth, inbox, task_page, applications, registry, deployments, dashboard, public,
    calendar, rounds, panel_pages, audit_page, organisations_page, documents, supervision_page,
    notifications_page, my_applications_page, identities_page, agencies_page,
)
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, InvalidInput: 422}


def register(app: Flask) -> None:
    app.config.setdefault("UPLOAD_DIR", os.environ.get("CONSORTIUM_UPLOAD_DIR", str(Path("var") / "uploads")))
    app.config.setdefault("MAX_CONTENT_LENGTH", 12 * 1024 * 1024)
    app.config.update(
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    for module in BLUEPRINTS:
        module.bp.template_folder = str(HERE / "templates")
        if not module.bp._got_registered_once:  # setup methods are refused once a blueprint is registered
            module.bp.register_error_handler(ServiceError, _service_error)
            module.bp.register_error_handler(HTTPException, _http_error)
        app.register_blueprint(module.bp)
    app.add_url_rule("/static/pages/<path:name>", "web_static", _static)
    app.add_url_rule("/static/vendor/<path:name>", "web_vendor", _vendor)
    # CSRF on every page form, and on the API's form login/logout ("session"), which browsers post too.
    security.install(app, {module.bp.name for module in BLUEPRINTS} | {"session"})
    idempotency.install(app, {module.bp.name for module in BLUEPRINTS})  # after the CSRF check
    app.add_template_filter(localtime)
    app.add_template_filter(clock)
    app.add_template_filter(documents.cndate)

    app.extensions["edge.page_error"] = _http_error  # routing errors (404/405) and 500s off any page

    @app.context_processor
    def _helpers():
        if request.blueprint not in {m.bp.name for m in BLUEPRINTS} and request.endpoint != "web_static":
            return {}
        return _page_context()


def _page_context() -> dict:
    """What base.html needs: translations, the CSRF token, the signed-in actor, the idempotency field."""
    return {**i18n.helpers(), "csrf_token": security.csrf_token, "me": current_actor(),
            "idem_field": idempotency.field}



def localtime(value) -> str:
    """Times as Qingdao reads them (datetimes, and ISO texts with an offset); dates as they are."""
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed if parsed.tzinfo else value
    if isinstance(value, datetime):
        return local_minutes(value)
    return str(value or "")


def clock(value: datetime) -> str:
    """The time of day in Qingdao, for events whose date is already on the page."""
    return value.astimezone(SHANGHAI).strftime("%H:%M")


def _static(name: str):
    return send_from_directory(HERE / "static", name, max_age=3600)


def _vendor(name: str):
    if name not in VENDOR:
        abort(404)
    target = NODE_MODULES / VENDOR[name]
    return send_from_directory(target.parent, target.name, max_age=86400)


def _service_error(exc: ServiceError):
    """Refusals become a page in the reader's language; a conflict on a form goes back with a message."""
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    if isinstance(exc, Conflict) and request.method == "POST" and request.referrer:
        idempotency.refused()  # nothing was done: the same form may be sent again
        flash(i18n.bilingual(str(exc)), "error")
        return redirect(request.referrer, code=303)
    message = i18n.t("not_found") if isinstance(exc, NotFound) else i18n.bilingual(str(exc))
    return render_template("error.html", message=message, status=status), status


def _http_error(exc: HTTPException):
    """Any HTTP error as a page in the site's layout and the reader's language (issue 17 item 13).

    Werkzeug's own English descriptions give way to the catalogue's `http.<code>` text; a description
    a view gave ("中文 / English") shows in the page's language. Headers the error carries (Allow,
    Retry-After) are kept.
    """
    code = exc.code or 500
    described = exc.description and exc.description != type(exc).description
    if exc.description == "csrf":
        message = i18n.t("csrf")
    elif code == 404:
        message = i18n.t("not_found")
    elif described:
        message = i18n.bilingual(exc.description)
    elif code == 413:
        message = i18n.t("http.413", mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // 2**20)
    else:
        message = i18n.t(f"http.{code}") if f"http.{code}" in i18n.CATALOGUE else i18n.t("error")
    page = render_template("error.html", message=message, status=code, **_page_context())
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return page, code, headers
