"""Called process instances as Camunda lists them (issue 16): a call activity's child is a process
instance of its own in `/process-instance` and `/history/process-instance`, with
`superProcessInstanceId` and the `superProcessInstance` / `subProcessInstance` filters.

Here the child runs inside its caller's instance row (workflows/call_activity.py), so a called instance
is derived from the call activity's activity instance (`activity_instance`, written with every save):
its id is that activity instance's id, it started and ended with it (cancelled if it was cancelled),
its definition is the newest version of the called key deployed when it started, its business key is
none (the caller's is passed only by a mapping, not kept apart here), and it is visible to whoever may
see its caller. The caller's own operations (variables, cancel, suspend) stay on the caller: a called
instance is listed, counted and fetched, not administered on its own. Multi-instance call activities
give one called instance per child. Instances started before activity instances were stored list
none.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from ..actors import Actor
from ..context import Context
from .store import definitions
from .store.activity_models import ActivityInstanceRow
from .store.instances import visible_filter
from .store.models import ProcessDefinition, ProcessInstance, Resource

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_CALLS: dict[tuple, dict[str, str]] = {}  # (definition id, deployments stamp) -> "<process>/<element>" -> key


@dataclass(frozen=True)
class CalledInstance:
    """One called process instance; `status` as a ProcessInstance's (active, completed, cancelled)."""

    id: str
    parent: ProcessInstance
    super_id: str
    key: str
    definition: ProcessDefinition | None
    started_at: datetime
    ended_at: datetime | None
    status: str

    @property
    def definition_id(self) -> str:
        return self.definition.id if self.definition is not None else ""

    @property
    def suspended(self) -> bool:
        return bool(self.parent.suspended)


def list_called(
    session: Session,
    actor: Actor,
    *,
    ids: Collection[str] = (),
    super_ids: Collection[str] = (),
    status: str | None = None,
    definition_keys: Collection[str] = (),
    definition_id: str | None = None,
) -> list[CalledInstance]:
    """The called instances of the visible instances, oldest first; `status` as InstanceQuery's
    (active, completed, cancelled, finished)."""
    calls = _call_elements(session)
    if not calls:
        return []
    stmt = (
        sa.select(ActivityInstanceRow, ProcessInstance)
        .join(ProcessInstance, ProcessInstance.id == ActivityInstanceRow.instance_id)
        .where(visible_filter(actor), ActivityInstanceRow.kind.is_(None),
               ActivityInstanceRow.element_id.in_(sorted({e for _, _, e in calls})))
        .order_by(ActivityInstanceRow.started_at, ActivityInstanceRow.seq)
    )
    if ids:
        stmt = stmt.where(ActivityInstanceRow.id.in_(list(ids)))
    if status == "active":
        stmt = stmt.where(ActivityInstanceRow.ended_at.is_(None))
    elif status is not None:
        stmt = stmt.where(ActivityInstanceRow.ended_at.is_not(None))
    out: list[CalledInstance] = []
    for row, parent in session.execute(stmt):
        key = calls.get((parent.definition_id, row.process_key, row.element_id))
        if key is None:
            continue
        called = CalledInstance(
            id=row.id, parent=parent, super_id=_super(session, row, parent, calls), key=key,
            definition=_definition_at(session, key, row.started_at), started_at=row.started_at,
            ended_at=row.ended_at,
            status="active" if row.ended_at is None else ("cancelled" if row.canceled else "completed"),
        )
        if _matches(called, super_ids, status, definition_keys, definition_id):
            out.append(called)
    return out


def list_called_instances(ctx: Context, *, actor: Actor, **filters) -> list[CalledInstance]:
    """`list_called` in a read-only unit of work (same filters)."""
    with ctx.unit_of_work(write=False) as uow:
        return list_called(uow.session, actor, **filters)


def get_called_instance(ctx: Context, *, actor: Actor, called_id: str) -> CalledInstance | None:
    """The called instance `called_id` if it exists and the caller may see its caller, else None."""
    found = list_called_instances(ctx, actor=actor, ids=[called_id])
    return found[0] if found else None


# --- internals ------------------------------------------------------------------------------------------


def _matches(called: CalledInstance, super_ids, status, keys, definition_id) -> bool:
    if super_ids and called.super_id not in super_ids:
        return False
    if status == "finished":
        if called.status == "active":
            return False
    elif status is not None and called.status != status:
        return False
    if keys and called.key not in keys:
        return False
    return definition_id is None or called.definition_id == definition_id


def _super(session: Session, row: ActivityInstanceRow, parent: ProcessInstance, calls) -> str:
    """The caller: the instance itself for a call activity of its own process, else (a call inside a
    called process) the called instance running that process when the call started."""
    if row.process_key == parent.definition_key:
        return parent.id
    enclosing = session.scalars(
        sa.select(ActivityInstanceRow)
        .where(ActivityInstanceRow.instance_id == parent.id, ActivityInstanceRow.kind.is_(None),
               ActivityInstanceRow.started_at <= row.started_at,
               ActivityInstanceRow.id != row.id)
        .order_by(ActivityInstanceRow.started_at.desc(), ActivityInstanceRow.seq.desc())
    )
    for candidate in enclosing:
        if calls.get((parent.definition_id, candidate.process_key, candidate.element_id)) == row.process_key:
            return candidate.id
    return parent.id


def _definition_at(session: Session, key: str, moment: datetime) -> ProcessDefinition | None:
    """The newest version of `key` deployed by `moment` (what a `latest` binding called), else the
    newest."""
    found = session.scalars(
        sa.select(ProcessDefinition)
        .where(ProcessDefinition.key == key, ProcessDefinition.deployed_at <= moment)
        .order_by(ProcessDefinition.version.desc())
    ).first()
    return found or definitions.find_latest(session, key)


def _call_elements(session: Session) -> dict[tuple[str, str, str], str]:
    """(definition id, process key, call activity id) -> called key, for every definition some
    instance runs on (static `calledElement`s only)."""
    out: dict[tuple[str, str, str], str] = {}
    stamp = tuple(session.execute(
        sa.select(sa.func.count(), sa.func.max(ProcessDefinition.deployed_at)).select_from(ProcessDefinition)
    ).one())  # a new deployment may change the library of called processes
    used = session.scalars(sa.select(ProcessInstance.definition_id).distinct())
    for definition_id in used:
        if (definition_id, stamp) not in _CALLS:
            if len(_CALLS) > 1000:
                _CALLS.clear()
            _CALLS[(definition_id, stamp)] = _calls_of(session, definition_id)
        for where, key in _CALLS[(definition_id, stamp)].items():
            process_key, _, element_id = where.partition("/")
            out[(definition_id, process_key, element_id)] = key
    return out


def _calls_of(session: Session, definition_id: str) -> dict[str, str]:
    """"<process>/<call activity>" -> called key in the definition's file and the processes it calls."""
    definition = session.get(ProcessDefinition, definition_id)
    if definition is None:
        return {}
    contents = list(definitions.latest_resources(session).values())
    own = session.scalar(sa.select(Resource.content).where(
        Resource.deployment_id == definition.deployment_id, Resource.name == definition.resource_name))
    if own:
        contents.append(own)  # the definition's own file wins
    calls: dict[str, str] = {}
    for content in contents:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        for process in root.iter(f"{BPMN}process"):
            for element in process.iter(f"{BPMN}callActivity"):
                called = element.get("calledElement")
                if element.get("id") and called and "${" not in called:
                    calls[f"{process.get('id')}/{element.get('id')}"] = called
    return calls
