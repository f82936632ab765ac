"""Historic details: written as variables change (every save, `record_changes`) and as task forms are
submitted (`record_form_fields`); read by `/history/detail` (service/engine/history_details.py).

A variable update is noted whenever a save finds a variable new or with another value than the
instance held before: by a start, a task completion, a script, a worker's complete, an administrator's
PUT. Deleting a variable writes no detail (`/history/user-operation` has the deletion). The task that
caused an update, when one did, is set for the save by `attributed_to`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .variable_history_models import FORM_FIELD, VARIABLE_UPDATE, HistoricDetail

TASK = "historic_detail_task"  # session.info: the task whose completion is being saved


@contextmanager
def attributed_to(session: Session, task_id: str) -> Iterator[None]:
    """Within the block, variable updates saved on `session` name `task_id` as their cause."""
    session.info[TASK] = task_id
    try:
        yield
    finally:
        session.info.pop(TASK, None)


def record_changes(session: Session, instance_id: str, before: dict[str, Any], after: dict[str, Any],
                   types: dict[str, str], now: datetime) -> None:
    """A `variableUpdate` detail for every variable of `after` that is new or changed since `before`."""
    changed = [name for name in after if name not in before or before[name] != after[name]]
    if not changed:
        return
    revisions: dict[str, int] = {}
    existing = [name for name in changed if name in before]
    if existing:
        stmt = (
            sa.select(HistoricDetail.name, sa.func.count())
            .where(HistoricDetail.instance_id == instance_id, HistoricDetail.kind == VARIABLE_UPDATE,
                   HistoricDetail.name.in_(existing))
            .group_by(HistoricDetail.name)
        )
        revisions = {name: count for name, count in session.execute(stmt)}
    task_id = session.info.get(TASK)
    for name in changed:
        session.add(HistoricDetail(
            instance_id=instance_id, kind=VARIABLE_UPDATE, name=name[:255],
            value_json=json.dumps(after[name], ensure_ascii=False, default=str), value_type=types.get(name),
            revision=revisions.get(name, 0), initial=name not in before, task_id=task_id, at=now,
        ))


def record_form_fields(session: Session, instance_id: str, task_id: str, fields: dict[str, Any],
                       types: dict[str, str], now: datetime) -> None:
    """A `formField` detail for each field of a form submitted for task `task_id`."""
    for name, value in fields.items():
        session.add(HistoricDetail(
            instance_id=instance_id, kind=FORM_FIELD, name=name[:255],
            value_json=json.dumps(value, ensure_ascii=False, default=str), value_type=types.get(name),
            revision=0, initial=False, task_id=task_id, at=now,
        ))
