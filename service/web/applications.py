"""The application page: the diagram with its progress, the timeline, documents and deadlines."""

from __future__ import annotations

import json

from flask import Blueprint, Response, redirect, render_template, request, url_for

from ..actors import ADMIN, PROCESS_OWNER
from ..consortium.casefile import read_casefile
from ..consortium.consortia import RECOMMENDATION
from ..engine import browse, instances, jobs, uploads
from ..engine.inbox import next_task
from ..errors import NotFound
from .common import actor, context, login_required, upload_dir

bp = Blueprint("web_applications", __name__)

@bp.post("/applications")
@login_required
def start():
    """A lead unit initiates a consortium application and goes straight to its first task."""
    started = instances.start_instance(context(), key=RECOMMENDATION, actor=actor())
    following = next_task(context(), actor=actor(), instance_id=started.id)
    if following:
        return redirect(url_for("web_task.show", task_id=following), code=303)
    return redirect(url_for("web_applications.show", instance_id=started.id), code=303)


@bp.get("/applications/<instance_id>")
@login_required
def show(instance_id: str):
    casefile = read_casefile(context(), instance_id=instance_id, actor=actor())
    own_key = casefile.instance["definitionKey"]
    called = _called(instance_id)  # call activity -> the process it calls, as the diagram declares
    process = request.args.get("process") or own_key
    if process not in (own_key, *called.values()):
        raise NotFound("流程不存在 / No such process")
    diagram = {
        "xml": url_for("web_applications.diagram", instance_id=instance_id, process=process),
        **casefile.markers(process),
        "called": {
            key: url_for("web_applications.show", instance_id=instance_id, process=key)
            for key in called.values()
        },
    }
    return render_template(
        "application.html",
        casefile=casefile,
        process=process,
        own_key=own_key,
        diagram_json=json.dumps(diagram),
        called=called,
        documents=uploads.list_documents(context(), instance_id=instance_id, actor=actor()),
        incidents=_incidents(instance_id),
    )


def _incidents(instance_id: str) -> list:
    """The instance's incidents (issue 12 fault 9), for those who retry them: administrators and process
    owners; the message names the element and the failing expression."""
    if not actor().has(ADMIN, PROCESS_OWNER):
        return []
    return jobs.list_incidents(context(), actor=actor(), instance_id=instance_id)


@bp.get("/applications/<instance_id>/diagram/<process>.bpmn")
@login_required
def diagram(instance_id: str, process: str):
    """The BPMN the viewer draws: the instance's own version, or the latest version of a called process."""
    row = browse.get_instance_row(context(), instance_id=instance_id, actor=actor())
    if process == row.definition_key:
        definition = browse.get_definition(context(), definition_id=row.definition_id)
    elif process in _called(instance_id).values():
        definition = browse.get_definition(context(), key=process)
    else:
        raise NotFound("流程不存在 / No such process")
    return Response(browse.definition_xml(context(), definition), mimetype="application/xml")


def _called(instance_id: str) -> dict[str, str]:
    """The call activities of the instance's own definition and the process each calls."""
    row = browse.get_instance_row(context(), instance_id=instance_id, actor=actor())
    definition = browse.get_definition(context(), definition_id=row.definition_id)
    return browse.called_elements(context(), definition)


@bp.get("/documents/<file_id>")
@login_required
def document(file_id: str):
    row, data = uploads.open_document(context(), directory=upload_dir(), file_id=file_id, actor=actor())
    return Response(
        data,
        mimetype=row.content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(row.name)}"},
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
