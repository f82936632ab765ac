"""Issue 12, fault 2: one variable scope per process instance, as in Camunda 7.

SpiffWorkflow keeps a copy of the data per task, so before workflows/scope.py a write on one parallel
branch was undone by the other branch's stale copy at the join or at the end, and a non-interrupting
timer's counter never got past 1. Each test drives a small Camunda Modeler diagram in memory and
checks what a process owner sees: the instance's variables, the data the next task works on, the
result of a script or condition that reads them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from workflows.engine import CompiledProcess, Engine

from .conftest import NOW, complete, start

Compiled = dict[str, CompiledProcess]
ANSWERS = {"Task_Legal": {"status": "legal-ok"}, "Task_Budget": {"budget": 80}}
ORDERS = [("Task_Legal", "Task_Budget"), ("Task_Budget", "Task_Legal")]


def _task_data(instance, element_id: str) -> dict:
    [task] = [t for t in instance.workflow.get_tasks() if t.task_spec.bpmn_id == element_id
              and t.state == 16]  # READY
    return task.data


@pytest.mark.parametrize("order", ORDERS, ids=["legal-first", "budget-first"])
def test_parallel_writes_survive_the_join(engine: Engine, compiled: Compiled, order: tuple[str, str]) -> None:
    instance = start(engine, compiled["parallel_join"], {"status": "new", "budget": 0})
    first, second = order
    complete(instance, first, ANSWERS[first])
    # the other branch's open task already sees the write (one scope)
    assert {**ANSWERS[first]}.items() <= instance.variables.items()
    assert ANSWERS[first].items() <= _task_data(instance, second).items()
    complete(instance, second, ANSWERS[second])
    assert [t.element_id for t in instance.user_tasks()] == ["Task_After"]
    assert instance.variables == {"status": "legal-ok", "budget": 80}
    assert {"status": "legal-ok", "budget": 80}.items() <= _task_data(instance, "Task_After").items()
    complete(instance, "Task_After", {})
    assert instance.completed and instance.variables == {"status": "legal-ok", "budget": 80}


@pytest.mark.parametrize("order", ORDERS, ids=["legal-first", "budget-first"])
def test_parallel_writes_survive_separate_end_events(engine: Engine, compiled: Compiled,
                                                    order: tuple[str, str]) -> None:
    instance = start(engine, compiled["parallel_ends"], {"status": "new", "budget": 0})
    for element in order:
        complete(instance, element, ANSWERS[element])
    assert instance.completed
    assert instance.end_element_id == {"Task_Legal": "End_Legal", "Task_Budget": "End_Budget"}[order[1]]
    assert instance.variables == {"status": "legal-ok", "budget": 80}


def test_non_interrupting_timer_counts_every_firing(engine: Engine, compiled: Compiled) -> None:
    """R3/PT1H fires three times; `reminders = reminders + 1` runs each time (Camunda gives 3)."""
    instance = start(engine, compiled["reminder_count"], {})
    now = NOW
    for expected in (1, 2, 3, 3):  # the fourth hour: the cycle is used up
        now += timedelta(hours=1, seconds=1)
        instance.fire_due_timers({}, now)
        assert instance.variables == {"reminders": expected}
        assert _task_data(instance, "Task_Review")["reminders"] == expected
    complete(instance, "Task_Review", {}, now)
    assert instance.completed and instance.end_element_id == "End_Main"
    assert instance.variables == {"reminders": 3}


def test_scope_survives_serialization(engine: Engine, compiled: Compiled) -> None:
    """The scope is stored with the instance: a restored instance goes on with the same variables."""
    process = compiled["parallel_join"]
    instance = start(engine, process, {"status": "new", "budget": 0})
    complete(instance, "Task_Legal", ANSWERS["Task_Legal"])
    restored = engine.restore(process.spec_json, cache_key=f"conformance:{process.key}",
                              state_json=instance.serialize())
    assert restored.variables == {"status": "legal-ok", "budget": 0}
    complete(restored, "Task_Budget", ANSWERS["Task_Budget"])
    assert restored.variables == {"status": "legal-ok", "budget": 80}


def test_multi_instance_element_variable_is_local(engine: Engine) -> None:
    """The element variable and loopCounter live in each child's local scope; the collection and
    any other form field go to the instance (Camunda's MI body scope)."""
    from tests.workflows.conftest import read

    process = engine.compile({"mi.bpmn": read("mi.bpmn")})["mi_demo"]
    members = [{"credit_code": "A"}, {"credit_code": "B"}]
    instance = start(engine, process, {"invited_members": members})
    children = instance.user_tasks()
    counters = sorted(_data_of(instance, t.task_id)["loopCounter"] for t in children)
    assert counters == [0, 1]
    for task in children:
        instance.complete_task(task.task_id, {"decision": "confirm"}, {}, NOW)
    assert instance.end_element_id == "End_All"
    variables = instance.variables
    assert "member" not in variables and "loopCounter" not in variables
    assert [m["decision"] for m in variables["invited_members"]] == ["confirm", "confirm"]
    assert variables["decision"] == "confirm"


def _data_of(instance, task_id: str) -> dict:
    from uuid import UUID

    return instance.workflow.get_task_from_id(UUID(task_id)).data


def test_input_parameter_is_local_and_output_parameter_is_mapped(engine: Engine, compiled: Compiled) -> None:
    """camunda:inputOutput: an input parameter is a local variable of the activity (its form sees
    it, the instance does not); an output parameter sets an instance variable when it ends."""
    instance = start(engine, compiled["io_mapping"], {"applicant": "Ann"})
    [task] = instance.user_tasks()
    assert _data_of(instance, task.task_id)["greeting"] == "hello Ann"
    assert "greeting" not in instance.variables
    complete(instance, "Task_Answer", {"answer": 21})
    assert instance.variables == {"applicant": "Ann", "answer": 21, "result": 42, "seen_result": 42}


def test_embedded_sub_process_and_call_activity_share_and_map_the_scope(
        engine: Engine, compiled: Compiled) -> None:
    """A sequential multi-instance embedded sub-process: its tasks write the instance scope (`tally`,
    `last_member`), its element variable `member` stays local to each instance and comes back into
    the collection; the call activity's child runs in its own instance and returns what it set."""
    process = compiled["sub_loop"]
    passes = 3
    instance = start(engine, process, {"limit": passes, "rounds": 0, "tally": 0,
                                       "members": [{"id": "A"}, {"id": "B"}]})
    for passed in range(1, passes + 1):
        for member in ("A", "B"):
            [task] = instance.user_tasks()
            assert task.element_id == "Task_Member"
            assert _data_of(instance, task.task_id)["member"]["id"] == member  # the body's local scope
            instance.complete_task(task.task_id, {"note": member}, {}, NOW)
            assert instance.variables["tally"] == 2 * (passed - 1) + (1 if member == "A" else 2)
            assert "member" not in instance.variables
        assert instance.variables["rounds"] == passed
    assert instance.completed and instance.end_element_id == "End_Main"
    assert instance.variables == {
        "limit": passes, "rounds": passes, "tally": 2 * passes, "last_member": "B", "note": "B",
        "child_note": f"r{passes}", "members": [{"id": "A", "seen": True}, {"id": "B", "seen": True}]}


def test_an_instance_stored_before_scopes_is_seeded_from_its_latest_task_data(
        engine: Engine, compiled: Compiled) -> None:
    """Running instances saved by the previous version have no instance scope: on first restore it is
    seeded from their most recent task data (what `variables` showed then), and they go on."""
    import json

    from workflows.scope import SCOPE_MARK

    process = compiled["parallel_join"]
    instance = start(engine, process, {"status": "new", "budget": 0})
    complete(instance, "Task_Legal", ANSWERS["Task_Legal"])
    state = json.loads(instance.serialize())
    state["data"] = {}  # as the previous version stored it: no scope, no marker
    for task in state["tasks"].values():
        task["internal_data"].pop(SCOPE_MARK, None)
    restored = engine.restore(process.spec_json, cache_key=f"conformance:{process.key}",
                              state_json=json.dumps(state))
    assert restored.variables == {"status": "legal-ok", "budget": 0}
    complete(restored, "Task_Budget", ANSWERS["Task_Budget"])
    assert restored.variables == {"status": "legal-ok", "budget": 80}
