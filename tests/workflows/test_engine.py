"""Engine behaviour on small diagrams: MI data, timers on a moved clock, messages, call activities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState

from workflows.engine import CompiledProcess, Engine, Instance, ServiceCall
from workflows.errors import InvalidData, NotWaitingForMessage, TaskNotReady
from workflows.resolve import to_datetime

from .conftest import NOW

Compiled = dict[str, CompiledProcess]
MEMBERS = [{"credit_code": "A"}, {"credit_code": "B"}]


def start(engine: Engine, process: CompiledProcess, variables: dict[str, Any],
          now: datetime = NOW) -> Instance:
    instance = engine.start(process.spec_json, cache_key=process.key, variables=variables, now=now)
    instance.advance({}, now)
    return instance


def test_mi_child_answers_are_kept(engine: Engine, compiled: Compiled) -> None:
    instance = start(engine, compiled["mi_demo"], {"invited_members": MEMBERS})
    children = instance.user_tasks()
    assert [(t.mi_item, t.candidate_organisation) for t in children] == [(MEMBERS[0], "A"), (MEMBERS[1], "B")]
    for task, decision in zip(children, ["confirm", "confirm"], strict=True):
        answer = {"decision": decision, "contact_name": task.mi_item["credit_code"]}
        instance.complete_task(task.task_id, answer, {}, NOW)
    assert instance.end_element_id == "End_All"
    assert instance.variables["invited_members"] == [
        {"credit_code": "A", "decision": "confirm", "contact_name": "A"},
        {"credit_code": "B", "decision": "confirm", "contact_name": "B"},
    ]


def test_mi_pitfall_without_the_merge(engine: Engine, compiled: Compiled) -> None:
    """Control: completing MI children the plain SpiffWorkflow way loses their answers."""
    instance = start(engine, compiled["mi_demo"], {"invited_members": MEMBERS})
    for task in instance.workflow.get_tasks(state=TaskState.READY, manual=True):
        task.data.update({"decision": "confirm"})
        task.run()
    instance.advance({}, NOW)
    assert instance.end_element_id == "End_Some"
    assert instance.variables["invited_members"] == MEMBERS


def test_duration_and_date_timers_from_variables(engine: Engine, compiled: Compiled) -> None:
    instance = start(engine, compiled["timer_demo"],
                     {"publicity_days": 5, "validity_end_at": "2026-04-01T00:00:00+08:00"})
    [wait] = instance.timers()
    assert (wait.element_id, wait.due_at) == ("Timer_Wait", NOW + timedelta(days=5))
    assert wait.due_at.tzinfo == UTC
    assert instance.fire_due_timers({}, wait.due_at - timedelta(seconds=1)) is False
    assert instance.fire_due_timers({}, wait.due_at) is True  # due = fires, as the job table reads it
    [until] = instance.timers()
    assert (until.element_id, until.due_at) == ("Timer_Until", datetime(2026, 3, 31, 16, 0, tzinfo=UTC))
    assert instance.fire_due_timers({}, until.due_at - timedelta(seconds=1)) is False
    assert not instance.completed
    assert instance.fire_due_timers({}, until.due_at + timedelta(seconds=1)) is True
    assert (instance.completed, instance.end_element_id, instance.timers()) == (True, "End_Expired", [])


def test_naive_time_date_means_beijing_time(engine: Engine, compiled: Compiled) -> None:
    variables = {"publicity_days": 0, "validity_end_at": "2026-04-01T00:00:00"}
    instance = start(engine, compiled["timer_demo"], variables)
    instance.fire_due_timers({}, NOW + timedelta(seconds=1))
    assert instance.timers()[0].due_at == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)


def test_message_during_publicity(engine: Engine, compiled: Compiled) -> None:
    instance = start(engine, compiled["timer_demo"],
                     {"publicity_days": 1, "validity_end_at": "2026-04-01T00:00:00+08:00"})
    with pytest.raises(NotWaitingForMessage):
        instance.send_message("objection_received", {"objection": "x"}, {}, NOW)
    instance.fire_due_timers({}, NOW + timedelta(days=1, seconds=1))
    with pytest.raises(NotWaitingForMessage):
        instance.send_message("no_such_message", {}, {}, NOW + timedelta(days=2))
    objection = {"objection": "conflict of interest"}
    instance.send_message("objection_received", objection, {}, NOW + timedelta(days=2))
    assert [t.element_id for t in instance.user_tasks()] == ["Task_Handle"]
    assert instance.variables["objection"] == "conflict of interest"
    assert instance.timers() == []  # the event gateway's other branch is gone


def test_call_activity_data_comes_back(engine: Engine, compiled: Compiled) -> None:
    process = compiled["parent_demo"]
    assert process.called == ("child_demo",)
    instance = start(engine, process, {})
    [assign] = instance.user_tasks()
    instance.complete_task(assign.task_id, {"panel": ["e1", "e2", "e3", "e4", "e5"]}, {}, NOW)
    desks = instance.user_tasks()
    assert [(t.process_key, t.assignee) for t in desks] == [("child_demo", f"e{i}") for i in range(1, 6)]
    for score, task in zip([10, 60, 70, 80, 100], desks, strict=True):
        instance.complete_task(task.task_id, {"score": score}, {}, NOW)
    assert instance.end_element_id == "End_Passed"
    assert instance.variables["expert_score"] == 70.0
    assert [d["score"] for d in instance.variables["desk_reviews"]] == [10, 60, 70, 80, 100]


def test_attributes_resolve_once_when_the_task_becomes_ready(
    engine: Engine, compiled: dict[str, CompiledProcess]
) -> None:
    process = compiled["ext_demo"]
    variables = {"desk": {"expert": "exp1"}, "panel": ["a", "b"], "level": 3, "member": {"credit_code": "C1"}}
    instance = start(engine, process, variables)
    later = engine.restore(process.spec_json, cache_key=process.key, state_json=instance.serialize())
    later.advance({}, NOW + timedelta(days=3))
    [task] = later.user_tasks()
    assert task.due_at == NOW + timedelta(days=10)
    assert task.follow_up_at == NOW + timedelta(days=3)
    assert (task.assignee, task.candidate_users) == ("exp1", ["a", "b"])
    assert task.candidate_groups == ["city_clerk", "expert"]
    assert (task.priority, task.candidate_organisation) == (30, "C1")
    assert (task.lane, task.form_key) == ("city_clerk", "review_form")
    assert [f["id"] for f in task.form_fields] == ["opinion", "decision"]
    assert task.form_fields[1]["options"] == [{"id": "approve", "name": "Approve"},
                                              {"id": "reject", "name": "Reject"}]


def test_service_task_dispatch_by_topic(engine: Engine, compiled: Compiled) -> None:
    process = compiled["ext_demo"]
    variables = {"desk": {"expert": "x"}, "panel": [], "level": 1, "member": {"credit_code": "C1"}}
    instance = start(engine, process, variables)
    [task] = instance.user_tasks()
    # no handler serves the topic: the service task waits for an external worker (issue 16)
    instance.complete_task(task.task_id, {"opinion": "ok"}, {"other_topic": lambda call: None}, NOW)
    [waiting] = instance.external_tasks({"other_topic": lambda call: None})
    assert (waiting.element_id, waiting.topic) == ("Service_Notify", "notify")
    assert not instance.completed

    instance = start(engine, process, variables)
    [task] = instance.user_tasks()
    calls: list[ServiceCall] = []

    def notify(call: ServiceCall) -> dict[str, Any]:
        calls.append(call)
        call.variables["opinion"] = "tampered"  # a copy: must not reach the instance
        return {"notified_at": "2026-03-02T09:00:00+08:00"}

    instance.complete_task(task.task_id, {"opinion": "ok"}, {"notify": notify}, NOW)
    [call] = calls
    assert (call.topic, call.element_id, call.process_key) == ("notify", "Service_Notify", "ext_demo")
    assert call.inputs == {"status": "approved", "organisation": "C1"}
    assert instance.completed and instance.variables["opinion"] == "ok"
    assert instance.variables["notified_at"] == "2026-03-02T09:00:00+08:00"


def test_complete_task_refuses_what_is_not_ready(engine: Engine, compiled: Compiled) -> None:
    instance = start(engine, compiled["mi_demo"], {"invited_members": MEMBERS})
    first, _ = instance.user_tasks()
    wrapper = instance.workflow.get_next_task(spec_name="Task_Confirm")
    for bad_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000", str(wrapper.id)):
        with pytest.raises(TaskNotReady):
            instance.complete_task(bad_id, {}, {}, NOW)
    with pytest.raises(InvalidData):
        instance.complete_task(first.task_id, {"typename": "x"}, {}, NOW)
    instance.complete_task(first.task_id, {"decision": "confirm"}, {}, NOW)
    with pytest.raises(TaskNotReady):
        instance.complete_task(first.task_id, {"decision": "decline"}, {}, NOW)


def test_activity_states(engine: Engine, compiled: Compiled) -> None:
    instance = start(engine, compiled["mi_demo"], {"invited_members": MEMBERS})
    states = {(a.element_id, a.state) for a in instance.activity_states()}
    assert states == {("StartEvent_1", "completed"), ("Task_Confirm", "active")}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-12T17:00:00+08:00", datetime(2026, 3, 12, 9, 0, tzinfo=UTC)),
        ("2026-03-12T17:00:00", datetime(2026, 3, 12, 9, 0, tzinfo=UTC)),  # naive: Beijing time
        ("2026-03-12", datetime(2026, 3, 11, 16, 0, tzinfo=UTC)),  # a date: its midnight in Beijing
        ("P2DT3H", NOW + timedelta(days=2, hours=3)),  # a duration: from now
        ("", None),
    ],
)
def test_due_date_literals(value: str, expected: datetime | None) -> None:
    assert to_datetime(value, NOW) == expected
