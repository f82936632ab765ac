"""A walk through walk.bpmn, run straight and with serialize/restore between every step.

The service layer restores an instance for every command, so both runs must end identically.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from workflows.engine import CompiledProcess, Engine, Instance, ServiceCall

from .conftest import NOW

PANEL = ["e1", "e2", "e3", "e4", "e5"]
PUBLICITY_END = "2026-03-20T17:00:00+08:00"

# (element to complete, MI item's credit code or None, form data) -- or a command name
STEPS: list[tuple[str, Any, Any]] = [
    ("Task_Invite", None, {"invited_members": [{"credit_code": "A"}, {"credit_code": "B"}]}),
    ("Task_Confirm", "A", {"decision": "confirm"}),
    ("Task_Confirm", "B", {"decision": "decline", "reason": "busy"}),
    ("Task_Invite", None, {"invited_members": [{"credit_code": "A"}, {"credit_code": "C"}]}),
    ("Task_Confirm", "C", {"decision": "confirm"}),
    ("Task_Confirm", "A", {"decision": "confirm"}),
    ("Task_AssignPanel", None, {"panel": PANEL}),
    *[("Task_Desk", None, {"score": score}) for score in (90, 50, 70, 80, 60)],
    ("message", "objection_received", {"objection": "conflict of interest"}),
    ("Task_HandleObjection", None, {"objection_decision": "dismissed"}),
    ("timer", None, None),
]


def run(engine: Engine, process: CompiledProcess, restore_each_step: bool) -> dict[str, Any]:
    calls: list[tuple[str, dict[str, Any]]] = []

    def handler(topic: str, result: dict[str, Any] | None) -> Callable[[ServiceCall], Any]:
        def handle(call: ServiceCall) -> dict[str, Any] | None:
            calls.append((call.topic, call.inputs))
            return result
        return handle

    handlers = {"open_publicity": handler("open_publicity", {"publicity_end_at": PUBLICITY_END}),
                "update_status": handler("update_status", {"filing_no": "F-2026-001"})}
    key = process.key + ("-restored" if restore_each_step else "")
    now = NOW
    instance = engine.start(process.spec_json, cache_key=key, variables={"lead_credit_code": "L1"}, now=now)
    instance.advance(handlers, now)
    trail = []
    for element, item, data in STEPS:
        now += timedelta(hours=1)
        if restore_each_step:
            instance = engine.restore(process.spec_json, cache_key=key, state_json=instance.serialize())
        if element == "message":
            instance.send_message(item, data, handlers, now)
        elif element == "timer":
            [timer] = instance.timers()
            assert instance.fire_due_timers(handlers, timer.due_at + timedelta(seconds=1))
        else:
            task = _pick(instance, element, item)
            trail.append((element, task.candidate_organisation, task.assignee, task.due_at))
            instance.complete_task(task.task_id, data, handlers, now)
    return {"trail": trail, "calls": calls, "variables": instance.variables,
            "end": instance.end_element_id, "completed": instance.completed}


def _pick(instance: Instance, element: str, credit_code: str | None):
    tasks = [t for t in instance.user_tasks() if t.element_id == element]
    if credit_code is not None:
        tasks = [t for t in tasks if t.mi_item["credit_code"] == credit_code]
    assert tasks, (element, credit_code, [t.element_id for t in instance.user_tasks()])
    return tasks[0]


@pytest.fixture(scope="module")
def straight(engine: Engine, compiled: dict[str, CompiledProcess]) -> dict[str, Any]:
    return run(engine, compiled["walk_demo"], restore_each_step=False)


def test_walk_reaches_the_filing(straight: dict[str, Any]) -> None:
    variables = straight["variables"]
    assert (straight["completed"], straight["end"]) == (True, "End_Filed")
    assert variables["invited_members"] == [{"credit_code": "A", "decision": "confirm"},
                                            {"credit_code": "C", "decision": "confirm"}]
    assert variables["expert_score"] == 70.0
    assert (variables["filing_no"], variables["objection_decision"]) == ("F-2026-001", "dismissed")
    assert straight["calls"] == [("open_publicity", {}), ("update_status", {"status": "filed"})]
    invite = straight["trail"][0]
    assert invite == ("Task_Invite", "L1", None, NOW + timedelta(hours=0, days=10))
    assert [row[2] for row in straight["trail"] if row[0] == "Task_Desk"] == PANEL


def test_walk_with_restore_between_steps_ends_the_same(
    engine: Engine, compiled: dict[str, CompiledProcess], straight: dict[str, Any]
) -> None:
    assert run(engine, compiled["walk_demo"], restore_each_step=True) == straight
