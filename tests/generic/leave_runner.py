"""Runs the leave-request diagram through the generic layer in a fresh interpreter (issue 19).

`python -m tests.generic.leave_runner DATABASE_URL SCENARIO` prints one JSON object: what the
listeners and the delegate saw, in order, the instance's end, and which consortium-domain modules the
interpreter had loaded. A fresh interpreter, so no other test's imports hide a generic-layer import of
the domain. Scenarios: `approve` (the task is completed, the delegate records, a timer ends it),
`expire` (the boundary timer ends it before anyone decides).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from service.actors import Actor
from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config
from service.engine import deployments, instances, jobs, tasks
from workflows.extensions import DelegateContext, Extensions

DOMAIN_PACKAGES = (
    "service.consortium.consortia", "service.consortium.reviews", "service.consortium.supervision",
    "service.consortium.publicity", "service.consortium.publicity_board", "service.consortium.registry",
    "service.consortium.domain_plugin", "service.consortium.store.consortia",
)
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
OWNER = Actor("owner", frozenset({"process_owner"}))
ALICE = Actor("alice", frozenset({"employee"}))
BOB = Actor("bob", frozenset({"manager"}))

EVENTS: list[dict] = []


def _seen(kind: str, context: DelegateContext) -> None:
    EVENTS.append({
        "kind": kind, "element": context.element_id, "event": context.event,
        "task": context.task.element_id if context.task else None,
        "data": dict(context.task.data) if context.task else None,
        "assignee": context.task.assignee if context.task else None,
        "definition": context.definition_key, "business_key": context.business_key,
        "actor": getattr(context.actor, "id", None), "now": context.now.isoformat(),
        "has_session": context.session is not None,
    })


def register(extensions: Extensions) -> None:
    """The test's own beans: an execution listener, a task listener and a delegate."""
    extensions.register_execution_listener("leaveAudit", lambda c: _seen("execution", c))

    def task_listener(context: DelegateContext) -> dict | None:
        _seen("task", context)
        return {"seen_by_" + context.event: True}

    def record(context: DelegateContext) -> dict:
        _seen("delegate", context)
        return {"leave_recorded": context.variables["days"], "recorded_by": context.actor.id}

    extensions.register_task_listener("leaveTaskListener", task_listener)
    extensions.register_delegate("recordLeave", record)


def run(url: str, scenario: str) -> dict:
    clock = MovableClock(START)
    ctx = build_context(Config(database_url=url), clock=clock, plugins=[register])
    bpmn = (Path(__file__).parent / "leave_request.bpmn").read_bytes()
    deployments.deploy(ctx, files={"leave_request.bpmn": bpmn}, actor=OWNER)
    started = instances.start_instance(ctx, key="leave_request", actor=ALICE, business_key="LEAVE-1",
                                       variables={"days": 3, "reason": "family"})
    open_tasks = tasks.list_tasks(ctx, actor=BOB)
    seen_by_alice = tasks.list_tasks(ctx, actor=ALICE)
    if scenario == "approve":
        task = open_tasks[0]
        tasks.claim_task(ctx, task_id=task.id, actor=BOB)
        tasks.complete_task(ctx, task_id=task.id, actor=BOB, data={"approved": True, "comment": "ok"})
        clock.advance(hours=2)
    else:
        clock.advance(days=3, hours=1)
    fired = jobs.fire_due_jobs(ctx, now=clock.now() + timedelta(seconds=1))
    state = instances.get_instance(ctx, instance_id=started.id, actor=ALICE)
    ctx.db.dispose()
    return {
        "events": EVENTS,
        "tasks_for_manager": [(t.element_id, t.name) for t in open_tasks],
        "tasks_for_employee": [t.element_id for t in seen_by_alice],
        "fired": fired,
        "status": state["status"],
        "end": state["endElementId"],
        "variables": state["variables"],
        "registered_by": ctx.extensions.registered_by,
        "domain_modules": sorted(m for m in sys.modules if m.startswith(DOMAIN_PACKAGES)),
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2]), default=str))
