"""Process variables as a list across instances (Camunda's `GET /variable-instance` and
`GET /history/variable-instance`, issue 16), read from each instance's stored variables.

Scoped like every instance read: only instances the caller may see, and each instance's variables
after the registered variable filters (extension_runtime.filter_variables), so a redacted variable
stays redacted here. A variable's id is `{instance id}:{name}`. Reads only.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..actors import Actor
from ..context import Context
from ..errors import NotFound
from . import extension_runtime as hooks
from .store import instance_query
from .store.instance_query import InstanceQuery
from .store.models import ProcessInstance
from .typed_variables import stored_types

SCAN_LIMIT = 1000  # instances read per request at most (Camunda's queryMaxResultsLimit)


@dataclass(frozen=True)
class VariableRow:
    instance: ProcessInstance
    name: str
    value: Any
    kind: str | None = None  # the Camunda type JSON hides ("Date"), service/engine/typed_variables.py

    @property
    def id(self) -> str:
        return f"{self.instance.id}:{self.name}"


def list_variables(
    ctx: Context,
    *,
    actor: Actor,
    instance_ids: Collection[str] = (),
    name: str | None = None,
    name_like: str | None = None,
    running_only: bool = True,
    first: int = 0,
    limit: int | None = None,
) -> list[VariableRow]:
    """Variables of the visible instances (running ones only unless `running_only` is False), ordered by
    instance start then name; `name_like` uses `%` as Camunda's LIKE does."""
    query = InstanceQuery(
        ids=list(instance_ids), status="active" if running_only else None, max_results=SCAN_LIMIT
    )
    out: list[VariableRow] = []
    with ctx.unit_of_work(write=False) as uow:
        for row in instance_query.list_instances(uow.session, actor, query):
            values = hooks.filter_variables(
                ctx.extensions, uow.session, row.id, actor, json.loads(row.variables_json or "{}")
            )
            types = stored_types(row.variable_types_json)
            for key in sorted(values):
                if name is not None and key != name:
                    continue
                if name_like is not None and not fnmatch.fnmatchcase(key, name_like.replace("%", "*")):
                    continue
                out.append(VariableRow(row, key, values[key], types.get(key)))
            if limit is not None and len(out) >= first + limit:
                break
    return out[first:] if limit is None else out[first : first + limit]


def get_variable(ctx: Context, *, actor: Actor, variable_id: str, running_only: bool = True) -> VariableRow:
    """By `{instance id}:{name}`; NotFound if unknown or not visible."""
    instance_id, _, name = variable_id.partition(":")
    found = list_variables(ctx, actor=actor, instance_ids=[instance_id], name=name, running_only=running_only)
    if not instance_id or not name or not found:
        raise NotFound(f"变量不存在 / Variable instance with Id '{variable_id}' does not exist")
    return found[0]
