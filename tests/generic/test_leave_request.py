"""Issue 19, "Done when" #1 and #3: a diagram that has nothing to do with consortia runs to its end
through the generic layer, with the behaviour it declares resolved by name in the registry.

The leave-request diagram (leave_request.bpmn: a generated form, candidate group `manager`, task
and execution listeners, a service task with `camunda:delegateExpression`, a boundary and an
intermediate timer) is run in a fresh interpreter (tests/generic/leave_runner.py) whose context
registers only the test's own beans, so the assertion that no consortium module was loaded cannot be
fooled by other tests' imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config
from service.engine import deployments, instances, tasks
from service.engine.store.models import AuditEvent, HumanTask, ProcessInstance
from service.errors import InvalidInput
from tests.generic.leave_runner import ALICE, BOB, OWNER, START
from workflows.extensions import DelegateContext, Extensions

ROOT = Path(__file__).resolve().parents[2]
LEAVE = (Path(__file__).parent / "leave_request.bpmn").read_bytes()


def run_isolated(database_url: str, scenario: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.generic.leave_runner", database_url, scenario],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_a_leave_request_runs_to_its_end_with_listeners_in_camundas_order_and_no_consortium_code(
    database_url,
):
    out = run_isolated(database_url, "approve")
    assert out["domain_modules"] == []
    assert out["registered_by"] == ["__main__.register"]  # the runner's beans only
    assert out["tasks_for_manager"] == [["Task_Approve", "Approve leave"]]
    assert out["tasks_for_employee"] == []  # offered to the group only
    assert [(e["kind"], e["element"], e["event"]) for e in out["events"]] == [
        ("execution", "leave_request", "start"),
        ("execution", "Task_Approve", "start"),
        ("task", "Task_Approve", "create"),
        ("task", "Task_Approve", "assignment"),  # the manager's claim
        ("task", "Task_Approve", "complete"),
        ("execution", "Task_Approve", "end"),
        ("delegate", "Task_Record", "execute"),
        ("execution", "leave_request", "end"),
    ]
    assert out["events"][3]["actor"] == "bob" and out["events"][3]["assignee"] == "bob"
    complete = out["events"][4]
    assert complete["data"] == {"approved": True, "comment": "ok"} and complete["actor"] == "bob"
    assert all(e["has_session"] and e["definition"] == "leave_request" and e["business_key"] == "LEAVE-1"
               for e in out["events"])
    assert out["events"][-1]["actor"] == "system"  # the cool-down timer, fired by the scheduler
    assert (out["status"], out["end"], out["fired"]) == ("completed", "End_Approved", 1)
    variables = out["variables"]
    assert variables["leave_recorded"] == 3 and variables["recorded_by"] == "bob"  # the delegate's dict
    assert variables["seen_by_create"] is True and variables["seen_by_complete"] is True
    assert variables["seen_by_assignment"] is True  # stored through the claim's command


def test_the_boundary_timer_ends_the_request_and_the_interrupted_activity(database_url):
    out = run_isolated(database_url, "expire")
    assert out["domain_modules"] == []
    assert [(e["kind"], e["element"], e["event"]) for e in out["events"]] == [
        ("execution", "leave_request", "start"),
        ("execution", "Task_Approve", "start"),
        ("task", "Task_Approve", "create"),
        ("execution", "Task_Approve", "end"),
        ("execution", "leave_request", "end"),
    ]
    assert (out["status"], out["end"]) == ("completed", "End_Expired")


# --- in process: refusals by a listener, on both databases ----------------------------------------

def leave_context(database_url: str, refuse_on: str | None = None, seen: list | None = None):
    """A context with the leave request's beans only; `refuse_on` names the event that refuses when the
    form's comment is empty (complete: the task listener; end: the activity's execution listener)."""

    def audit(context: DelegateContext) -> None:
        if refuse_on == context.event == "end" and context.element_id == "Task_Approve" \
                and not context.variables.get("comment"):
            raise InvalidInput("需要说明 / a comment is required", {"comment": ["required"]})
        if seen is not None:
            seen.append((context.element_id, context.event))

    def task_listener(context: DelegateContext) -> None:
        if refuse_on == context.event == "complete" and not context.task.data.get("comment"):
            raise InvalidInput("需要说明 / a comment is required", {"comment": ["required"]})

    def register(extensions: Extensions) -> None:
        extensions.register_execution_listener("leaveAudit", audit)
        extensions.register_task_listener("leaveTaskListener", task_listener)
        extensions.register_delegate("recordLeave", lambda c: {"leave_recorded": c.variables["days"]})

    return build_context(Config(database_url=database_url), clock=MovableClock(START), plugins=[register])


@pytest.mark.parametrize("refuse_on", ["complete", "end"])
def test_a_listener_refusing_the_completion_is_a_4xx_and_nothing_is_saved(database_url, refuse_on):
    ctx = leave_context(database_url, refuse_on)
    try:
        deployments.deploy(ctx, files={"leave_request.bpmn": LEAVE}, actor=OWNER)
        started = instances.start_instance(ctx, key="leave_request", actor=ALICE, variables={"days": 2})
        [task] = tasks.list_tasks(ctx, actor=BOB)
        with ctx.unit_of_work(write=False) as uow:
            before = uow.session.get(ProcessInstance, started.id)
            state, version = before.state_json, before.version
        with pytest.raises(InvalidInput) as refused:
            tasks.complete_task(ctx, task_id=task.id, actor=BOB, data={"approved": True, "comment": ""})
        assert refused.value.fields == {"comment": ["required"]}
        with ctx.unit_of_work(write=False) as uow:
            after = uow.session.get(ProcessInstance, started.id)
            assert (after.state_json, after.version, after.status) == (state, version, "active")
            assert uow.session.get(HumanTask, task.id) is not None
            completions = uow.session.scalars(sa.select(AuditEvent).where(
                AuditEvent.action == "task.completed", AuditEvent.task_id == task.id)).all()
            assert completions == []
        tasks.complete_task(ctx, task_id=task.id, actor=BOB, data={"approved": True, "comment": "ok"})
        state = instances.get_instance(ctx, instance_id=started.id, actor=ALICE)
        assert state["variables"]["leave_recorded"] == 2  # the delegate's output, stored
        assert [t["elementId"] for t in state["timers"]] == ["Timer_CoolDown"]
    finally:
        ctx.db.dispose()


def test_declared_names_nobody_registered_are_refused_at_deploy_naming_element_and_name(database_url):
    ctx = build_context(Config(database_url=database_url), clock=MovableClock(START), plugins=())
    try:
        with pytest.raises(InvalidInput) as refused:
            deployments.deploy(ctx, files={"leave_request.bpmn": LEAVE}, actor=OWNER)
        problems = refused.value.fields["diagram"]
        for element, name in [("leave_request", "leaveAudit"), ("Task_Approve", "leaveTaskListener"),
                              ("Task_Approve", "leaveAudit"), ("Task_Record", "recordLeave")]:
            assert any(element in p and repr(name) in p for p in problems), (element, name, problems)
        with ctx.unit_of_work(write=False) as uow:
            assert uow.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance)) == 0
    finally:
        ctx.db.dispose()
