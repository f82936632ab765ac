"""The `/history/detail` query: historic details of the instances a caller may see."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ...actors import Actor
from .instances import visible_filter
from .models import ProcessInstance
from .variable_history_models import HistoricDetail


@dataclass
class DetailFilters:
    """`/history/detail` filters (None/empty: any)."""

    ids: Collection[int] = ()
    instance_ids: Collection[str] = ()
    task_id: str | None = None
    kind: str | None = None  # VARIABLE_UPDATE or FORM_FIELD
    exclude_task_details: bool = False
    names: Collection[str] = ()
    initial: bool | None = None
    occurred_before: datetime | None = None
    occurred_after: datetime | None = None
    extra: list = field(default_factory=list)


def query(actor: Actor, filters: DetailFilters):
    """SELECT (HistoricDetail, ProcessInstance) of the visible instances matching `filters`."""
    stmt = (
        sa.select(HistoricDetail, ProcessInstance)
        .join(ProcessInstance, ProcessInstance.id == HistoricDetail.instance_id)
        .where(visible_filter(actor))
    )
    f = filters
    conditions = [
        (f.ids, lambda: HistoricDetail.id.in_(list(f.ids))),
        (f.instance_ids, lambda: HistoricDetail.instance_id.in_(list(f.instance_ids))),
        (f.task_id, lambda: HistoricDetail.task_id == f.task_id),
        (f.exclude_task_details and not f.task_id, lambda: HistoricDetail.task_id.is_(None)),
        (f.kind, lambda: HistoricDetail.kind == f.kind),
        (f.names, lambda: HistoricDetail.name.in_(list(f.names))),
        (f.initial is not None, lambda: HistoricDetail.initial.is_(bool(f.initial))),
        (f.occurred_before is not None, lambda: HistoricDetail.at <= f.occurred_before),
        (f.occurred_after is not None, lambda: HistoricDetail.at >= f.occurred_after),
    ]
    for active, condition in conditions:
        if active:
            stmt = stmt.where(condition())
    return stmt.where(*f.extra)
