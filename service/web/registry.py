"""The registry pages: filtered list, detail with members and history, CSV and Excel export."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ..consortium import registry_list
from ..consortium.casefile import read_casefile
from ..consortium.registry_list import RegistryFilter
from .common import actor, context, login_required

bp = Blueprint("web_registry", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> RegistryFilter:
    args = request.args
    return RegistryFilter(
        industry=args.get("industry") or None,
        district=args.get("district") or None,
        status=args.get("status") or None,
        ending_soon=args.get("ending_soon") == "1",
    )


@bp.get("/registry")
@login_required
def index():
    rows = registry_list.list_registry(context(), actor=actor(), filters=_filters())
    return render_template("registry.html", rows=rows, filters=_filters(), args=request.args)


@bp.get("/registry/export.<fmt>")
@login_required
def export(fmt: str):
    rows = registry_list.list_registry(context(), actor=actor(), filters=_filters())
    if fmt == "xlsx":
        body, mimetype = registry_list.export_xlsx(rows), XLSX
    else:
        body, mimetype, fmt = registry_list.export_csv(rows), "text/csv", "csv"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename=consortia.{fmt}"}
    )


@bp.get("/registry/<int:consortium_id>")
@login_required
def detail(consortium_id: int):
    return detail_page(consortium_id)


def detail_page(
    consortium_id: int, *, form: str | None = None, values: dict | None = None, errors: dict | None = None,
    status: int = 200,
):
    """The consortium's page; a refused supervision form (`form`) is shown again with its `errors`."""
    from . import supervision_page  # late: supervision_page builds on this page

    found = registry_list.read_detail(context(), consortium_id=consortium_id, actor=actor())
    history = (
        read_casefile(context(), instance_id=found.record.instance_id, actor=actor()).timeline
        if found.record.instance_id
        else []
    )
    supervision = supervision_page.section(consortium_id, found.record.lead_credit_code, found.record.status)
    supervision["lead_name"] = next(
        (name for code, name, *_ in found.members if code == found.record.lead_credit_code), ""
    )
    return render_template(
        "registry_detail.html", detail=found, history=history, sup=supervision, form=form,
        values=values or {}, errors=errors or {},
    ), status
