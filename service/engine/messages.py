"""Message correlation as Camunda 7 does it (`POST /engine-rest/message`, issue 12 fault 10).

Camunda's rules (DefaultCorrelationHandler, REST reference "Correlate a Message"): a message goes
first to the executions waiting for it (message catch events, receive tasks, message boundary events,
event-based gateways) of active instances matching `businessKey`, `processInstanceId` and every
`correlationKey` (a process variable equal to the given value); if none waits, to the message start
event of the newest version of the one process that starts on it, which starts a new instance with
`businessKey` and `processVariables`. `processVariables` are set on the instance before it moves on.
Without `all`, exactly one execution (or else one start event) must match, otherwise nothing happens
and the caller gets 400; with `all`, every matching execution and the start event are triggered, and
none is no error. Each triggered instance runs its next steps in the caller's transaction: a failure
there (a script, a condition) is a 4xx naming the element, and nothing is saved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..actors import Actor
from ..context import Context
from ..errors import InvalidInput
from . import extension_runtime as hooks
from . import instance_admin
from .commands import run_command
from .instances import start_in_session
from .store import audit, instances, messages
from .store.models import ProcessInstance


@dataclass(frozen=True)
class Correlation:
    """One thing the message reached: an execution (`execution_id` set) or a new instance."""

    result_type: str  # "Execution" | "ProcessDefinition", as Camunda names it
    instance: ProcessInstance
    execution_id: str | None
    variables: dict[str, Any] | None
    """The instance's variables after the step (with `with_variables`), as stored."""
    variable_types: dict[str, str]
    """Camunda types the stored JSON does not tell (`{"deadline": "Date"}`)."""


def correlate(
    ctx: Context,
    *,
    actor: Actor,
    message_name: str,
    business_key: str | None = None,
    process_instance_id: str | None = None,
    correlation_keys: dict[str, Any] | None = None,
    process_variables: dict[str, Any] | None = None,
    all_: bool = False,
    with_variables: bool = False,
) -> list[Correlation]:
    """Correlate `message_name` (see the module docstring for the rules); returns what it reached.

    Raises:
        Forbidden: the actor is neither an administrator nor a process owner.
        InvalidInput: no message name; without `all_`, nothing or more than one thing matches;
            a variable that cannot be stored; diagram code failing in the steps that follow.
        Conflict: a suspended definition; a start the definition's start rules refuse.
    """
    instance_admin.check_administrator(actor)
    if not message_name:
        raise InvalidInput("缺少消息名称 / messageName is required", {"messageName": ["required"]})
    variables = dict(process_variables or {})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        found = messages.waiting_executions(
            session, message_name, business_key=business_key, instance_id=process_instance_id,
            visible=instances.visible_filter(actor))
        found = [(s, r) for s, r in found if messages.matches(r, correlation_keys or {})]
        starts = [] if found and not all_ else messages.start_subscriptions(session, message_name)
        if not all_:
            if len(found) > 1:
                raise _mismatch(message_name, f"{len(found)} 个执行匹配 / {len(found)} executions match the "
                                "correlation keys; it must be exactly one", business_key, process_instance_id,
                                correlation_keys)
            if not found and len(starts) > 1:
                raise _mismatch(message_name, f"{len(starts)} process definitions start on it; it must be "
                                "one",
                                business_key, process_instance_id, correlation_keys)
            if not found and not starts:
                raise _mismatch(message_name, "没有流程定义或执行匹配 / No process definition or execution "
                                "matches the parameters", business_key, process_instance_id, correlation_keys)
            if found:
                starts = []
        reached: list[tuple[str, ProcessInstance, str | None]] = []
        by_instance: dict[str, list[tuple[str, str]]] = {}
        for subscription, row in found:
            by_instance.setdefault(row.id, []).append((subscription.task_id or "", subscription.element_id))
        for instance_id, executions in by_instance.items():
            row = instances.lock(session, instance_id)
            run_command(ctx, session, row, actor,
                        lambda r, h, n: r.send_message(message_name, variables, h, n), now)
            for execution, element_id in executions:  # history: the element that caught it
                audit.record(session, actor=actor, action="message.correlated", at=now, instance_id=row.id,
                             element_id=element_id, detail={"message": message_name, "execution": execution})
                reached.append(("Execution", row, execution))
        for _subscription, definition in starts:
            row = start_in_session(ctx, session, definition, actor=actor, business_key=business_key,
                           variables=variables, now=now)
            audit.record(session, actor=actor, action="message.correlated", at=now, instance_id=row.id,
                         element_id=_subscription.element_id, detail={"message": message_name})
            reached.append(("ProcessDefinition", row, None))
        session.flush()
        results = [Correlation(kind, row, execution,
                               hooks.filter_variables(ctx.extensions, session, row.id, actor,
                                                      json.loads(row.variables_json or "{}"))
                               if with_variables else None,
                               json.loads(row.variable_types_json or "{}"))
                   for kind, row, execution in reached]
        uow.commit()
        return results


def _mismatch(name: str, reason: str, business_key: str | None, instance_id: str | None,
              keys: dict[str, Any] | None) -> InvalidInput:
    criteria = (f"businessKey={business_key!r}, processInstanceId={instance_id!r}, "
                f"correlationKeys={keys or {}}")
    message = f"消息无法关联 / Cannot correlate message '{name}': {reason} ({criteria})"
    return InvalidInput(message, {"messageName": [message]})
