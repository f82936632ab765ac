"""The registry pages: filtered list, detail with members and history, CSV and Excel export."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from forms.vocabulary import INDUSTRY_CHOICES

from ..consortium import districts, registry_list
from ..consortium.registry_list import RegistryFilter
from . import supervision_page
from .common import actor, context, login_required

bp = Blueprint("web_registry", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> RegistryFilter:
    args = request.args
    return RegistryFilter(
        industry=args.get("industry") or None,
        name=args.get("name") or None,
        district=args.get("district") or None,
        status=args.get("status") or None,
        ending_soon=args.get("ending_soon") == "1",
    )


@bp.get("/registry")
@login_required
def index():
    rows = registry_list.list_registry(context(), actor=actor(), filters=_filters())
    return render_template(
        "registry.html", rows=rows, filters=_filters(), args=request.args,
        districts=districts.list_districts(context()), industries=list(INDUSTRY_CHOICES),
    )


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
    return supervision_page.consortium_page(consortium_id)
