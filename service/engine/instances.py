"""Use cases on process instances: start one, read its state, correlate a message to it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.errors import InvalidData
from workflows.extensions import Extensions

from ..actors import ADMIN, CITY_CLERK, PROCESS_OWNER, ROLE_NAMES_EN, ROLE_NAMES_ZH, Actor
from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from . import called
from . import extension_runtime as hooks
from .commands import act_and_save, restore, run_command, unstorable_input
from .store import audit, definitions, instances
from .store.models import ProcessDefinition, ProcessInstance

BUSINESS_KEY_LENGTH = 100


@dataclass(frozen=True)
class Started:
    id: str
    definition_id: str
    business_key: str | None


def start_instance(
    ctx: Context,
    *,
    key: str | None = None,
    definition_id: str | None = None,
    actor: Actor,
    business_key: str | None = None,
    variables: dict[str, Any] | None = None,
    numbering: Callable[[Session], str] | None = None,
) -> Started:
    """Start the latest version of `key` (or exactly `definition_id`) and run it to its first wait state.

    Without `business_key`, `numbering(session)` draws one inside the start's transaction (a serial
    number from store/counters.py), so a refused start leaves no instance and two starts never share it.
    The domain's `before_start` hooks (ctx.extensions) may check the start and settle the business key
    and the variables first (an application: its lead unit's record and number).
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        definition = (
            definitions.get(session, definition_id)
            if definition_id
            else definitions.get_latest(session, key or "")
        )
        row = start_in_session(ctx, session, definition, actor=actor, business_key=business_key,
                               variables=variables, numbering=numbering, now=now)
        uow.commit()
        return Started(id=row.id, definition_id=definition.id, business_key=row.business_key)


def start_in_session(
    ctx: Context,
    session: Session,
    definition: ProcessDefinition,
    *,
    actor: Actor,
    now: datetime,
    business_key: str | None = None,
    variables: dict[str, Any] | None = None,
    numbering: Callable[[Session], str] | None = None,
    start_event: str | None = None,
) -> ProcessInstance:
    """`start_instance` inside the caller's transaction, which commits (a timer start's job and a message
    start event's correlation too): checks, instance row, first run to a wait state (`Instance.begin`:
    a lone message start event is passed, as Camunda starts a process whose only start event is a
    message start), projections and audit.

    `start_event`: the timer start event whose job starts it (`timer_starts`); None starts at the
    process's initial start event, as a person's start does.

    Raises:
        Forbidden, Conflict (suspended definition), InvalidInput, ProcessFailed: as `start_instance`.
    """
    variables = dict(variables or {})
    check_may_start(definition, actor, ctx.extensions)
    if definition.suspended:  # Camunda: a suspended definition starts no instances (issue 16)
        raise Conflict(
            f"流程定义已挂起 / Process definition {definition.id} is suspended: it cannot be started"
        )
    for hook in ctx.extensions.before_start:
        business_key, variables = hook(session, definition, actor, business_key, variables, now)
    check_business_key(business_key, BUSINESS_KEY_LENGTH)
    if business_key is None and numbering is not None:
        business_key = numbering(session)
    row = ProcessInstance(
        id=str(uuid.uuid4()),
        definition_id=definition.id,
        definition_key=definition.key,
        business_key=business_key,
        status="active",
        state_json="",
        district=variables.get("district"),
        lead_credit_code=variables.get("lead_credit_code"),
        started_by=actor.id,
        started_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    instances.grant(session, row.id, "user", actor.id)
    instances.grant(session, row.id, "org", actor.org_credit_code)
    try:
        spec = called.spec_for_start(ctx, session, definition)  # calledElementBinding latest
        row.called_spec_id = spec.called_spec_id
        running = ctx.workflows.start(
            spec.spec_json, cache_key=spec.cache_key, variables=variables, now=now, start_event=start_event,
            initiator=None if start_event else actor.id,  # Camunda: a timer start has no initiator
        )
    except InvalidData as exc:  # a start variable that cannot be stored: 400 naming it
        raise unstorable_input(exc) from exc
    session.flush()
    detail = {"definition": definition.id, "businessKey": business_key}
    if start_event is not None:
        detail["startEvent"] = start_event
    audit.record(session, actor=actor, action="instance.started", at=now, instance_id=row.id, detail=detail)
    act_and_save(ctx, session, row, running, actor, lambda r, h, n: r.begin(h, n), now)
    return row


def check_may_start(
    definition: ProcessDefinition, actor: Actor, extensions: Extensions | None = None
) -> None:
    """Forbidden unless `actor` is in the definition's starter groups (`camunda:candidateStarterGroups`;
    neither groups nor users declared: city_clerk) or starter users (`camunda:candidateStarterUsers`), or
    is an administrator or process owner (who try a new version, issue 15), and every `may_start` hook
    of `extensions` agrees (an application: only a lead unit)."""
    groups = {g.strip() for g in (definition.starter_groups or "").split(",") if g.strip()}
    users = {u.strip() for u in (definition.starter_users or "").split(",") if u.strip()}
    allowed = groups or ({CITY_CLERK} if not users else set())
    if not (actor.has(*allowed) or actor.id in users or actor.has(ADMIN, PROCESS_OWNER)):
        # administrators and process owners start any definition, to try a new version (issue 15)
        # the groups by their display names (report-users finding 10), users by their ids
        zh = "、".join([ROLE_NAMES_ZH.get(g, g) for g in sorted(allowed)] + sorted(users))
        en = ", ".join([ROLE_NAMES_EN.get(g, g) for g in sorted(allowed)] + sorted(users))
        raise Forbidden(f"无权发起该流程，仅限{zh} / Only {en} may start this process")
    for hook in extensions.may_start if extensions is not None else ():
        hook(definition, actor)


def check_business_key(business_key: str | None, limit: int) -> None:
    """InvalidInput naming businessKey if it is not a string of at most `limit` characters."""
    if business_key is not None and (not isinstance(business_key, str) or len(business_key) > limit):
        raise InvalidInput(
            f"业务编号最长 {limit} 个字符 / businessKey: at most {limit} characters",
            {"businessKey": [f"最长 {limit} 个字符 / at most {limit} characters"]},
        )


def get_instance(ctx: Context, *, instance_id: str, actor: Actor) -> dict[str, Any]:
    """The state of an instance as its viewer may see it: status, variables, activities, open tasks."""
    with ctx.unit_of_work(write=False) as uow:
        row = instances.get_visible(uow.session, instance_id, actor)
        running = restore(ctx, uow.session, row)
        return {
            "id": row.id,
            "definitionId": row.definition_id,
            "definitionKey": row.definition_key,
            "businessKey": row.business_key,
            "status": row.status,
            "endElementId": row.end_element_id,
            "startedAt": row.started_at.isoformat(),
            "endedAt": row.ended_at.isoformat() if row.ended_at else None,
            "variables": hooks.filter_variables(
                ctx.extensions, uow.session, row.id, actor, json.loads(row.variables_json or "{}")
            ),
            "activities": [a.__dict__ for a in running.activity_states()],
            "tasks": [
                {"id": t.task_id, "elementId": t.element_id, "name": t.name, "formKey": t.form_key}
                for t in running.user_tasks()
            ],
            "timers": [{"elementId": t.element_id, "dueAt": t.due_at.isoformat()} for t in running.timers()],
        }


def correlate_message(
    ctx: Context, *, name: str, business_key: str, actor: Actor, payload: dict[str, Any] | None = None
) -> str:
    """Deliver message `name` to the instance with `business_key`; Conflict if it is not waiting for it."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        found = session.scalars(
            sa.select(ProcessInstance.id).where(
                ProcessInstance.business_key == business_key, ProcessInstance.status == "active"
            )
        ).first()
        if found is None:
            raise NotFound(
                f"没有业务编号为 {business_key} 的进行中流程 / No running instance with key {business_key}"
            )
        row = instances.lock(session, found)
        run_command(ctx, session, row, actor, lambda r, h, n: r.send_message(name, payload or {}, h, n), now)
        audit.record(
            session,
            actor=actor,
            action="message.correlated",
            at=now,
            instance_id=row.id,
            detail={"message": name},
        )
        uow.commit()
        return row.id
