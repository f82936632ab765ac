"""The application page's reading: state, diagram markers, timeline, documents and deadlines in one call.

The timeline is the audit trail of the instance (who did what and when), not a second record; form
contents stay out of it, so an expert reading it never sees a colleague's score sheet. Who reviews the
application is shown as "reviewer" until publication (store/reviewer_secrecy.py), in the timeline and in
the open tasks alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..engine.instances import get_instance
from ..engine.store import instances
from ..engine.store.models import AuditEvent, HumanTask, TaskComment
from .decisions import Outcome, decision_outcome, event_note
from .store import consortia
from .store.models import Consortium
from .store.reviewer_secrecy import ReviewerSecrecy


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str | None
    action: str
    element_id: str | None
    step: str | None = None  # the element's name in the diagram, for people
    hidden: bool = False  # the actor is a reviewer the viewer may not know yet
    outcome: Outcome | None = None  # what a decision step decided, with its reason (decisions.py)
    note: str | None = None  # a task comment's text, or whom a task was handed to (decisions.event_note)


@dataclass(frozen=True)
class OpenTask:
    """An open task as the page shows it; `assignee` is None when unassigned or hidden."""

    id: str
    name: str | None
    element_id: str
    due_at: datetime | None
    assignee: str | None
    hidden: bool = False


@dataclass(frozen=True)
class Deadline:
    what: str  # the element's name (its id when unnamed)
    due_at: datetime
    kind: str  # task | timer


@dataclass
class Casefile:
    instance: dict[str, Any]
    consortium: Consortium | None
    timeline: list[TimelineEntry] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    open_tasks: list[OpenTask] = field(default_factory=list)

    def markers(self, process_key: str) -> dict[str, list[str]]:
        """Element ids of one diagram by state: `completed` and `active` (what the viewer highlights)."""
        done, current = set(), set()
        for activity in self.instance["activities"]:
            if activity["process_key"] != process_key:
                continue
            (current if activity["state"] == "active" else done).add(activity["element_id"])
        return {"completed": sorted(done - current), "active": sorted(current)}


def read_casefile(ctx: Context, *, instance_id: str, actor: Actor) -> Casefile:
    """Everything the application page shows; NotFound if the caller may not see the instance."""
    state = get_instance(ctx, instance_id=instance_id, actor=actor)
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        instances.get_visible(session, instance_id, actor)
        events = session.scalars(
            sa.select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
        )
        names = {a["element_id"]: a["name"] for a in state["activities"] if a.get("name")}
        secrecy = ReviewerSecrecy(session, actor)
        notes = dict(session.execute(
            sa.select(TaskComment.id, TaskComment.message).where(TaskComment.instance_id == instance_id)
        ).all())
        timeline = [
            TimelineEntry(
                e.at,
                secrecy.shown(instance_id, e.actor),
                e.action,
                e.element_id,
                names.get(e.element_id, e.element_id),
                hidden=not secrecy.shows(instance_id, e.actor),
                outcome=(
                    decision_outcome(e.detail_json)
                    if e.action == "task.completed" and secrecy.shows(instance_id, e.actor)
                    else None
                ),
                note=(
                    event_note(e.action, e.detail_json, notes)
                    if secrecy.shows(instance_id, e.actor)
                    else None
                ),
            )
            for e in events
        ]
        open_tasks = [
            OpenTask(
                t.id,
                t.name,
                t.element_id,
                t.due_at,
                secrecy.shown(instance_id, t.assignee),
                hidden=not secrecy.shows(instance_id, t.assignee),
            )
            for t in session.scalars(
                sa.select(HumanTask)
                .where(HumanTask.instance_id == instance_id)
                .order_by(HumanTask.created_at)
            )
        ]
        record = consortia.find_by_instance(session, instance_id)
    deadlines = [Deadline(t.name or t.element_id, t.due_at, "task") for t in open_tasks if t.due_at]
    deadlines += [
        Deadline(names.get(t["elementId"], t["elementId"]), datetime.fromisoformat(t["dueAt"]), "timer")
        for t in state["timers"]
    ]
    return Casefile(
        instance=state,
        consortium=record,
        timeline=timeline,
        deadlines=sorted(deadlines, key=lambda d: d.due_at),
        open_tasks=open_tasks,
    )
