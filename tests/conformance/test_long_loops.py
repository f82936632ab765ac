"""Issue 12, fault 1: long loops run as long as the diagram says.

SpiffWorkflow's task tree grew by a few tasks per pass and its iterator stops at depth 1,000, so a
daily timer loop meant to run to day 400 became "completed" on day ~250 (no end event, empty
variables, timer gone) and a send-back loop between two user tasks on its ~333rd pass; later the
task-depth budget refused such instances. workflows/prune.py now compacts the finished part of the
tree after every command. These tests run 10,000 passes in memory and assert, deterministically,
that the stored state and the number of tasks stay flat and that the instance ends through its end
event with its variables; one test drives fewer passes through the database and the history.
Milliseconds per step are printed by bench/loops.py, not asserted here.
"""

from __future__ import annotations

from datetime import timedelta

from service.actors import Actor
from service.engine import history, identities, instances, jobs, tasks
from service.engine.deployments import deploy
from service.engine.store.tasks import TaskQuery
from tests.support.loops import loop_diagram
from workflows.engine import CompiledProcess, Engine, Instance

from .conftest import NOW, read, start

Compiled = dict[str, CompiledProcess]
PASSES = 10_000
EARLY = 10


def _footprint(instance: Instance) -> tuple[int, int]:
    """(characters of the stored state, tasks in every task tree)."""
    workflow = instance.workflow
    tasks_in_trees = len(workflow.tasks) + sum(len(s.tasks) for s in workflow.subprocesses.values())
    return len(instance.serialize()), tasks_in_trees


def _assert_flat(early: tuple[int, int], late: tuple[int, int]) -> None:
    assert late[0] <= 1.5 * early[0], f"state grew from {early[0]} to {late[0]} characters"
    assert late[1] <= 1.5 * early[1], f"task tree grew from {early[1]} to {late[1]} tasks"


def test_a_daily_timer_loop_runs_10000_passes_with_a_flat_state(engine: Engine, compiled: Compiled) -> None:
    instance = start(engine, compiled["timer_loop"], {"days": PASSES})
    early = None
    for day in range(1, PASSES + 1):
        [timer] = instance.timers()
        assert timer.element_id == "Timer_Day"
        assert instance.fire_due_timers({}, timer.due_at + timedelta(seconds=1))
        if day == EARLY:
            early = _footprint(instance)
        if day == PASSES - 1:
            _assert_flat(early, _footprint(instance))
            assert instance.variables == {"days": PASSES, "day": PASSES - 1}
    assert instance.completed and instance.end_element_id == "End_Done"
    assert instance.variables == {"days": PASSES, "day": PASSES}
    assert instance.timers() == []


def test_a_send_back_loop_runs_10000_passes_with_a_flat_state(engine: Engine, compiled: Compiled) -> None:
    instance = start(engine, compiled["send_back"], {})
    early = None
    for passed in range(1, PASSES + 1):
        [submit] = instance.user_tasks()
        assert submit.element_id == "Task_Prepare"
        instance.complete_task(submit.task_id, {"pass_no": passed}, {}, NOW)
        [check] = instance.user_tasks()
        assert check.element_id == "Task_Check"
        if passed == EARLY:
            early = _footprint(instance)
        if passed == PASSES:
            _assert_flat(early, _footprint(instance))
        instance.complete_task(check.task_id, {"decision": "accept" if passed == PASSES else "back"}, {}, NOW)
    assert instance.completed and instance.end_element_id == "End_Accepted"
    assert instance.variables == {"pass_no": PASSES, "decision": "accept"}


def test_a_restored_loop_keeps_going(engine: Engine, compiled: Compiled) -> None:
    """The compacted tree is what is stored: restore it every pass, as the service does."""
    process = compiled["send_back"]
    instance = start(engine, process, {})
    for passed in range(1, 41):
        for element, data in (("Task_Prepare", {"pass_no": passed}),
                              ("Task_Check", {"decision": "accept" if passed == 40 else "back"})):
            instance = engine.restore(process.spec_json, cache_key=f"conformance:{process.key}",
                                      state_json=instance.serialize())
            [task] = instance.user_tasks()
            assert task.element_id == element
            if passed > 1:  # the application page still marks every element passed so far
                passed_elements = {a.element_id for a in instance.activity_states() if a.state == "completed"}
                assert passed_elements == {"StartEvent_1", "Task_Prepare", "Task_Check", "Gateway_Accepted"}
            instance.complete_task(task.task_id, data, {}, NOW)
    assert instance.completed and instance.end_element_id == "End_Accepted"
    assert instance.variables == {"pass_no": 40, "decision": "accept"}


def test_a_loop_through_a_join_a_boundary_timer_and_a_multi_instance_stays_flat(
        engine: Engine, compiled: Compiled) -> None:
    """Each pass: a parallel split whose branches meet at a join (one a user task with a
    non-interrupting reminder that fires every other pass, one a script), then a multi-instance user
    task over two members. The finished passes' reminders, cancelled join arrivals and
    multi-instance children are compacted too, and every pass's writes reach the instance scope."""
    process = compiled["loop_mix"]
    passes = 200
    members = [{"id": "A"}, {"id": "B"}]
    instance = start(engine, process, {"limit": passes, "rounds": 0, "budget": 0, "nudges": 0,
                                       "members": members})
    now, early = NOW, None
    for passed in range(1, passes + 1):
        if passed % 2 == 0:
            now += timedelta(hours=1, seconds=1)
            assert instance.fire_due_timers({}, now)
        [legal] = instance.user_tasks()
        assert legal.element_id == "Task_Legal"
        instance.complete_task(legal.task_id, {"rounds": passed}, {}, now)
        confirmations = instance.user_tasks()
        assert [t.element_id for t in confirmations] == ["Task_Members", "Task_Members"]
        for task in confirmations:
            instance.complete_task(task.task_id, {"ok": passed}, {}, now)
        if passed == EARLY:
            early = _footprint(instance)
        if passed == passes - 1:
            _assert_flat(early, _footprint(instance))
        instance = engine.restore(process.spec_json, cache_key=f"conformance:{process.key}",
                                  state_json=instance.serialize())
    assert instance.completed and instance.end_element_id == "End_Main"
    assert instance.variables == {
        "limit": passes, "rounds": passes, "budget": 10 * passes, "nudges": passes // 2, "ok": passes,
        "members": [{"id": "A", "ok": passes}, {"id": "B", "ok": passes}]}


def test_a_loop_through_an_embedded_multi_instance_and_a_call_activity_stays_flat(
        engine: Engine, compiled: Compiled) -> None:
    process = compiled["sub_loop"]
    passes = 100
    instance = start(engine, process, {"limit": passes, "rounds": 0, "tally": 0,
                                       "members": [{"id": "A"}, {"id": "B"}]})
    early = None
    for passed in range(1, passes + 1):
        for member in ("A", "B"):
            [task] = instance.user_tasks()
            instance.complete_task(task.task_id, {"note": member}, {}, NOW)
        if passed == EARLY:
            early = _footprint(instance)
        if passed == passes - 1:
            _assert_flat(early, _footprint(instance))
            assert len(instance.workflow.subprocesses) <= 2
        instance = engine.restore(process.spec_json, cache_key=f"conformance:{process.key}",
                                  state_json=instance.serialize())
    assert instance.completed and instance.end_element_id == "End_Main"
    assert (instance.variables["rounds"], instance.variables["tally"]) == (passes, 2 * passes)


def test_a_loop_of_3000_passes_inside_one_command_reaches_its_end_event(engine: Engine) -> None:
    """Script + gateway, 3,000 passes without a wait state: 6,000 engine steps, within the step budget
    (10,000); before, the task tree passed SpiffWorkflow's depth limit near pass 450 and the depth
    budget refused it. The compaction also runs every 64 steps inside a command."""
    process = engine.compile({"long.bpmn": loop_diagram("long_in_one_command")})["long_in_one_command"]
    instance = start(engine, process, {"n": 0, "limit": 3000})
    assert instance.completed and instance.end_element_id == "End_Loop"
    assert instance.variables["n"] == 3000


# --- through the database: the history still lists every pass -----------------------------------

OWNER = Actor(id="owner", groups=frozenset({"process_owner"}))
DB_PASSES = 25


def _for_city_clerks(content: bytes) -> bytes:
    text = content.decode()
    starters = 'isExecutable="true" camunda:candidateStarterGroups="city_clerk"'
    text = text.replace('isExecutable="true"', starters)
    for key in ("prepare", "check"):
        text = text.replace(f'camunda:formKey="{key}"', 'camunda:candidateGroups="city_clerk"')
    return text.encode()


def test_loops_through_the_database_keep_every_pass_in_history(ctx, clock) -> None:
    deploy(ctx, files={"send_back.bpmn": _for_city_clerks(read("send_back.bpmn")),
                       "timer_loop.bpmn": _for_city_clerks(read("timer_loop.bpmn"))}, actor=OWNER)
    clerk = identities.actor_for(ctx, "city1")
    assert clerk is not None
    started = instances.start_instance(ctx, key="send_back", actor=clerk)
    for passed in range(1, DB_PASSES + 1):
        for element, data in (("Task_Prepare", {"pass_no": passed}),
                              ("Task_Check", {"decision": "accept" if passed == DB_PASSES else "back"})):
            [task] = tasks.list_tasks(ctx, actor=clerk, query=TaskQuery(instance_id=started.id))
            assert task.element_id == element
            tasks.complete_task(ctx, task_id=task.id, actor=clerk, data=data)
    state = instances.get_instance(ctx, instance_id=started.id, actor=clerk)
    assert state["status"] == "completed" and state["endElementId"] == "End_Accepted"
    assert state["variables"] == {"pass_no": DB_PASSES, "decision": "accept"}
    done = [t for t in history.historic_tasks(ctx, actor=clerk, instance_id=started.id) if t.end is not None]
    assert sorted(t.element_id for t in done) == sorted(["Task_Prepare", "Task_Check"] * DB_PASSES)

    looping = instances.start_instance(ctx, key="timer_loop", actor=clerk, variables={"days": DB_PASSES})
    for _ in range(DB_PASSES):
        clock.set(clock.now() + timedelta(days=1, seconds=1))
        assert jobs.fire_due_jobs(ctx) == 1
    state = instances.get_instance(ctx, instance_id=looping.id, actor=clerk)
    assert state["status"] == "completed" and state["endElementId"] == "End_Done"
    assert state["variables"] == {"days": DB_PASSES, "day": DB_PASSES}
    passed_timer = [a for a, _ in history.historic_activities(ctx, actor=clerk, instance_id=looping.id)
                    if a.element_id == "Timer_Day"]
    assert len(passed_timer) == DB_PASSES
