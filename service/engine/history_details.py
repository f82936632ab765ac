"""Historic details (Camunda's `GET /history/detail`, issue 16): variable updates with their values and
submitted form fields, from the `historic_detail` table (store/variable_history.py writes it).

Scoped like every history read: only instances the caller may see (404 / empty otherwise), and each
value passed through the registered variable filters as the variable itself would be
(extension_runtime.filter_variables): a variable redacted for the caller stays redacted in its history,
and a detail of a variable the caller may not read at all is left out. Reads only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..errors import NotFound
from . import extension_runtime as hooks
from .store import detail_query
from .store.detail_query import DetailFilters
from .store.models import ProcessInstance
from .store.variable_history_models import HistoricDetail

SCAN_LIMIT = 5000  # details read per request at most before type filtering (Camunda's queryMaxResultsLimit)
SORTS = {
    "processInstanceId": HistoricDetail.instance_id,
    "variableName": HistoricDetail.name,
    "formPropertyId": HistoricDetail.name,
    "variableRevision": HistoricDetail.revision,
    "time": HistoricDetail.at,
    "occurrence": HistoricDetail.id,
}


@dataclass(frozen=True)
class Detail:
    """One detail as the caller may read it: `value` after the variable filters; `kind` the Camunda type
    JSON hides ("Date"), else None."""

    row: HistoricDetail
    instance: ProcessInstance
    value: Any
    kind: str | None

    @property
    def id(self) -> str:
        return str(self.row.id)


def list_details(
    ctx: Context,
    *,
    actor: Actor,
    filters: DetailFilters,
    accept: Any = None,
    sort: str = "occurrence",
    descending: bool = False,
    first: int = 0,
    limit: int | None = None,
) -> list[Detail]:
    """The details the caller may see, in `sort` order (then occurrence). `accept(detail) -> bool` drops
    details after the value is known (the edge's `variableTypeIn`)."""
    column = SORTS.get(sort, HistoricDetail.id)
    order = [column.desc() if descending else column.asc(), HistoricDetail.id]
    stmt = detail_query.query(actor, filters).order_by(*order).limit(SCAN_LIMIT)
    out: list[Detail] = []
    with ctx.unit_of_work(write=False) as uow:
        for row, instance in uow.session.execute(stmt):
            value = json.loads(row.value_json) if row.value_json is not None else None
            shown = hooks.filter_variables(ctx.extensions, uow.session, instance.id, actor, {row.name: value})
            if row.name not in shown:
                continue
            detail = Detail(row, instance, shown[row.name], row.value_type)
            if accept is None or accept(detail):
                out.append(detail)
            if limit is not None and len(out) >= first + limit:
                break
    return out[first:] if limit is None else out[first : first + limit]


def get_detail(ctx: Context, *, actor: Actor, detail_id: str) -> Detail:
    """One detail by id; NotFound when unknown or outside the caller's scope."""
    found = []
    if detail_id.isascii() and detail_id.isdigit() and len(detail_id) < 19:
        found = list_details(ctx, actor=actor, filters=DetailFilters(ids=[int(detail_id)]), limit=1)
    if not found:
        raise NotFound(f"历史明细不存在 / Historic detail with Id '{detail_id}' does not exist")
    return found[0]


def count_details(ctx: Context, *, actor: Actor, filters: DetailFilters, accept: Any = None) -> int:
    if accept is None and not ctx.extensions.variable_filters:
        stmt = sa.select(sa.func.count()).select_from(detail_query.query(actor, filters).subquery())
        with ctx.unit_of_work(write=False) as uow:
            return int(uow.session.scalar(stmt) or 0)
    return len(list_details(ctx, actor=actor, filters=filters, accept=accept))
