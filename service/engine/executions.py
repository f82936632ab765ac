"""Executions as Camunda 7 lists them (`GET /execution`, issue 16), derived cheaply from what every save
already stores: the instance row and its open activity instances (`activity_instance`, ended_at NULL).

Camunda's model: the process instance is an execution; a token in a non-scope activity runs *in* it;
concurrent tokens (after a parallel or inclusive split), scopes (a sub-process, a call activity, a
multi-instance body, an activity with boundary events) get child executions. Here:

- one open activity that is no scope and carries no boundary event: only the instance's execution,
  whose current activity it is (`activityId` matches it);
- otherwise: the instance's execution, plus one child execution per open activity (boundary events
  excepted: they wait as part of their activity), whose id is the activity instance's engine id (the
  id an external task reports as `executionId`).

Scopes are not nested (every child names the process instance as its parent scope): the depth Camunda
would show inside a sub-process is flattened. Instances started before activity instances were stored
list only their own execution. Scoped as every instance read (store/instances.visible_filter).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..errors import NotFound
from . import browse
from .store import instance_query
from .store.activity_models import ActivityInstanceRow
from .store.instance_query import InstanceQuery
from .store.message_models import MessageSubscription
from .store.models import ProcessInstance

SCOPES = ("subProcess", "callActivity", "multiInstanceBody", "transaction", "adHocSubProcess")
NOT_FOUND = "执行不存在 / Execution with id {id} does not exist"


@dataclass(frozen=True)
class Execution:
    """One execution: `activity_id` is the activity it is in (None for an instance with children)."""

    id: str
    instance: ProcessInstance
    activity_id: str | None
    task_id: str | None  # the engine task of that activity (None for the instance's own execution)


@dataclass(frozen=True)
class Subscription:
    """A message an execution waits for (Camunda's EventSubscriptionDto)."""

    id: str
    name: str
    execution_id: str
    activity_id: str
    created_at: object


def list_executions(
    ctx: Context,
    *,
    actor: Actor,
    query: InstanceQuery,
    activity_id: str | None = None,
    message_name: str | None = None,
    ids: Collection[str] = (),
) -> list[Execution]:
    """The executions of the visible running instances `query` selects (unpaged: the caller slices),
    in instance order then activity start; `activity_id`, `message_name` and `ids` narrow them."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rows = instance_query.list_instances(session, actor, query)
        out: list[Execution] = []
        by_instance = _open_activities(session, [r.id for r in rows])
        waiting = _subscriptions(session, [r.id for r in rows], message_name) if message_name else None
        for row in rows:
            executions = _of_instance(session, row, by_instance.get(row.id, []))
            owners = None if waiting is None else {_owner(s, executions) for s in waiting.get(row.id, [])}
            for execution in executions:
                if activity_id is not None and execution.activity_id != activity_id:
                    continue
                if ids and execution.id not in ids:
                    continue
                if owners is not None and execution.id not in owners:
                    continue
                out.append(execution)
        return out


def get_execution(ctx: Context, *, actor: Actor, execution_id: str) -> Execution:
    """One running execution by id (an instance's id or a child's). NotFound if unknown or not visible."""
    instance_id = execution_id
    with ctx.unit_of_work(write=False) as uow:
        owner = uow.session.scalar(
            sa.select(ActivityInstanceRow.instance_id).where(ActivityInstanceRow.id == execution_id)
        )
        instance_id = owner or execution_id
    found = list_executions(
        ctx, actor=actor, query=InstanceQuery(ids=[instance_id], status="active"), ids=[execution_id]
    )
    if not found:
        raise NotFound(NOT_FOUND.format(id=execution_id))
    return found[0]


def message_subscription(ctx: Context, *, actor: Actor, execution_id: str, message_name: str) -> Subscription:
    """The subscription of `execution_id` to `message_name` (Camunda's
    GET /execution/{id}/messageSubscriptions/{messageName}). NotFound otherwise."""
    execution = get_execution(ctx, actor=actor, execution_id=execution_id)
    with ctx.unit_of_work(write=False) as uow:
        waiting = _subscriptions(uow.session, [execution.instance.id], message_name)
    siblings = list_executions(ctx, actor=actor, query=InstanceQuery(ids=[execution.instance.id],
                                                                     status="active"))
    for sub in waiting.get(execution.instance.id, []):
        if _owner(sub, siblings) == execution.id:
            return Subscription(sub.id, sub.message_name, execution.id, sub.element_id, sub.created_at)
    raise NotFound(
        f"消息订阅不存在 / Message subscription for execution {execution_id} and message "
        f"'{message_name}' does not exist"
    )


# --- internals ------------------------------------------------------------------------------------------


def _of_instance(session, row: ProcessInstance, open_rows: list[ActivityInstanceRow]) -> list[Execution]:
    types = browse.element_types(session, row.definition_id) if open_rows else {}

    def kind(r: ActivityInstanceRow) -> str:
        return r.kind or browse.element_type(types, r.process_key, r.element_id)

    boundary = [r for r in open_rows if kind(r).startswith("boundary")]
    tokens = [r for r in open_rows if not kind(r).startswith("boundary")]
    if len(tokens) == 1 and not boundary and kind(tokens[0]) not in SCOPES:
        return [Execution(row.id, row, tokens[0].element_id, tokens[0].id)]
    root = Execution(row.id, row, None, None)
    return [root] + [Execution(r.id, row, r.element_id, r.id) for r in tokens]


def _owner(sub: MessageSubscription, executions: list[Execution]) -> str:
    """The execution waiting for `sub`: the child running its element, else the instance's own (a
    boundary event waits in its activity's scope, which is not told apart here)."""
    for execution in executions[1:]:
        if sub.task_id == execution.task_id or sub.element_id == execution.activity_id:
            return execution.id
    return executions[0].instance.id


def _open_activities(session, instance_ids: list[str]) -> dict[str, list[ActivityInstanceRow]]:
    out: dict[str, list[ActivityInstanceRow]] = {}
    if not instance_ids:
        return out
    stmt = (
        sa.select(ActivityInstanceRow)
        .where(ActivityInstanceRow.instance_id.in_(instance_ids), ActivityInstanceRow.ended_at.is_(None))
        .order_by(ActivityInstanceRow.started_at, ActivityInstanceRow.seq)
    )
    for r in session.scalars(stmt):
        out.setdefault(r.instance_id, []).append(r)
    return out


def _subscriptions(session, instance_ids: list[str], name: str) -> dict[str, list[MessageSubscription]]:
    out: dict[str, list[MessageSubscription]] = {}
    if not instance_ids:
        return out
    stmt = sa.select(MessageSubscription).where(
        MessageSubscription.instance_id.in_(instance_ids), MessageSubscription.message_name == name
    )
    for sub in session.scalars(stmt):
        out.setdefault(sub.instance_id, []).append(sub)
    return out
