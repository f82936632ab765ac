"""Issue 12, fault 5: timer start events start instances on schedule, on SQLite and PostgreSQL.

Before: a start event with `timeCycle` `R/…/P1D` deployed, no job was created and nothing ever
started; a manual start waited on the timer inside the one instance. Camunda 7 (user guide, "Timer
Events"; `BpmnParse.selectInitial`; `TimerStartEventJobHandler`): each firing of a timer start event
starts a new instance, through the job table (here: claimed in its own transaction, so any number of
schedulers fire it once); a new version removes the previous version's timer start jobs; a manual
start of a process whose one start event is a timer start event starts there at once; a cron
`timeCycle` (`0 0 9 * * ?`, Quartz) fires at that Beijing time. After every step each test checks the
instances, their active tasks and variables, the history (`instance.started` at the timer event) and
the pending jobs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from service.actors import ADMIN, Actor
from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config
from service.engine import instances, jobs
from service.engine.deployments import deploy
from service.engine.store import jobs as job_store
from service.engine.store.db import is_postgres
from service.engine.store.models import AuditEvent, HumanTask, Job, ProcessInstance
from service.errors import InvalidInput
from tests.support.drawn import chain, drawn

OWNER = Actor(id="owner", groups=frozenset({"process_owner"}))
CLERK = Actor(id="city1", groups=frozenset({"city_clerk"}))
TASK = '<bpmn:userTask id="Task_Check" name="核对" camunda:candidateGroups="city_clerk" />'
END = '<bpmn:endEvent id="End_1" />'


def timer_start(text: str, kind: str = "timeCycle", element_id: str = "Start_Daily") -> str:
    return (f'<bpmn:startEvent id="{element_id}" name="每日">'
            f'<bpmn:timerEventDefinition id="Def_{element_id}">'
            f'<bpmn:{kind} xsi:type="bpmn:tFormalExpression">{text}</bpmn:{kind}>'
            "</bpmn:timerEventDefinition></bpmn:startEvent>")


def _deploy(ctx, key: str, body: str) -> None:
    deploy(ctx, files={f"{key}.bpmn": drawn(key, body)}, actor=OWNER)


def _state(ctx, key: str) -> dict:
    """Instances of `key` (started at, open task element ids, variables, start event from the audit
    trail) and the pending timer start jobs (element, due, version)."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rows = session.scalars(sa.select(ProcessInstance).where(ProcessInstance.definition_key == key)
                               .order_by(ProcessInstance.started_at)).all()
        started = []
        for row in rows:
            open_tasks = session.scalars(sa.select(HumanTask.element_id).where(
                HumanTask.instance_id == row.id)).all()
            (event,) = session.scalars(sa.select(AuditEvent).where(
                AuditEvent.instance_id == row.id, AuditEvent.action == "instance.started")).all()
            seen = instances.get_instance(ctx, instance_id=row.id, actor=CLERK)
            started.append({"at": row.started_at.astimezone(UTC), "tasks": sorted(open_tasks),
                            "variables": seen["variables"],
                            "start": _detail(event).get("startEvent"), "by": event.actor})
        pending = [{"element": j.element_id, "due": j.due_at.astimezone(UTC),
                    "definition": job_store.payload(j)["definition_id"].split(":")[1]}
                   for j in session.scalars(sa.select(Job).where(Job.kind == "timer_start")
                                            .order_by(Job.due_at))
                   if job_store.payload(j)["key"] == key]
        timers = session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.kind == "timer"))
    return {"instances": started, "jobs": pending, "instance_timers": timers}


def _detail(event: AuditEvent) -> dict:
    import json

    return json.loads(event.detail_json or "{}")


def _at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """2026-03-`day` at `hour`:`minute` Beijing time, in UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def test_a_daily_cycle_starts_one_instance_per_firing(ctx, clock) -> None:
    _deploy(ctx, "daily_check", chain(timer_start("R3/2026-03-03T09:00:00+08:00/P1D"), TASK, END))
    assert _state(ctx, "daily_check") == {
        "instances": [], "jobs": [{"element": "Start_Daily", "due": _at(3), "definition": "1"}],
        "instance_timers": 0}
    assert jobs.fire_due_jobs(ctx) == 0  # Monday 09:00: not due yet
    for n, day in enumerate((3, 4, 5), start=1):
        clock.set(_at(day, minute=1))
        assert jobs.fire_due_jobs(ctx) == 1
        state = _state(ctx, "daily_check")
        assert [i["at"] for i in state["instances"]] == [_at(d, minute=1) for d in (3, 4, 5)[:n]]
        assert {(tuple(i["tasks"]), i["start"], i["by"]) for i in state["instances"]} == {
            (("Task_Check",), "Start_Daily", "system")}
        assert all(i["variables"] == {} for i in state["instances"])
        following = [{"element": "Start_Daily", "due": _at(day + 1), "definition": "1"}] if n < 3 else []
        assert state["jobs"] == following and state["instance_timers"] == 0
    clock.set(_at(9))
    assert jobs.fire_due_jobs(ctx) == 0  # R3: three firings, then none
    assert len(_state(ctx, "daily_check")["instances"]) == 3


def test_missed_firings_are_skipped_not_caught_up(ctx, clock) -> None:
    _deploy(ctx, "catch_up", chain(timer_start("R/2026-02-27T10:00:00+08:00/P1D"), TASK, END))
    assert _state(ctx, "catch_up")["jobs"] == [
        {"element": "Start_Daily", "due": _at(2, 10), "definition": "1"}]
    clock.set(_at(6, 12))  # no scheduler ran for four days
    assert jobs.fire_due_jobs(ctx) == 1
    state = _state(ctx, "catch_up")
    assert [i["tasks"] for i in state["instances"]] == [["Task_Check"]]  # one instance, not four
    assert state["jobs"] == [{"element": "Start_Daily", "due": _at(7, 10), "definition": "1"}]


def test_a_cron_cycle_fires_on_weekdays_at_nine_beijing_time(ctx, clock) -> None:
    _deploy(ctx, "weekday_cron", chain(timer_start("0 0 9 ? * MON-FRI"), TASK, END))
    assert _state(ctx, "weekday_cron")["jobs"] == [
        {"element": "Start_Daily", "due": _at(3), "definition": "1"}]
    for day in range(3, 10):  # Tuesday 3 March to Monday 9 March
        clock.set(_at(day, minute=5))
        jobs.fire_due_jobs(ctx)
    state = _state(ctx, "weekday_cron")
    assert [i["at"].date().day for i in state["instances"]] == [3, 4, 5, 6, 9]  # not Saturday, Sunday
    assert state["jobs"] == [{"element": "Start_Daily", "due": _at(10), "definition": "1"}]


def test_a_timer_date_fires_once(ctx, clock) -> None:
    _deploy(ctx, "once_only", chain(timer_start("2026-03-04T14:30:00+08:00", kind="timeDate"), TASK, END))
    clock.set(_at(4, 14, 31))
    assert jobs.fire_due_jobs(ctx) == 1
    clock.set(_at(20))
    assert jobs.fire_due_jobs(ctx) == 0
    state = _state(ctx, "once_only")
    assert [(i["at"], i["tasks"]) for i in state["instances"]] == [(_at(4, 14, 31), ["Task_Check"])]
    assert state["jobs"] == []


def test_a_new_version_replaces_the_timer_start_jobs(ctx, clock) -> None:
    _deploy(ctx, "versioned", chain(timer_start("R/2026-03-03T09:00:00+08:00/P1D"), TASK, END))
    _deploy(ctx, "versioned", chain('<bpmn:startEvent id="Start_Manual" />', TASK, END))  # v2: no timer
    assert _state(ctx, "versioned")["jobs"] == []
    clock.set(_at(5))
    assert jobs.fire_due_jobs(ctx) == 0
    assert _state(ctx, "versioned")["instances"] == []
    _deploy(ctx, "versioned", chain(timer_start("R/2026-03-06T09:00:00+08:00/P1D"), TASK, END))  # v3
    assert _state(ctx, "versioned")["jobs"] == [{"element": "Start_Daily", "due": _at(6), "definition": "3"}]
    clock.set(_at(6, minute=1))
    assert jobs.fire_due_jobs(ctx) == 1
    with ctx.unit_of_work(write=False) as uow:
        (version,) = uow.session.scalars(sa.select(ProcessInstance.definition_id)
                                         .where(ProcessInstance.definition_key == "versioned")).all()
    assert version.startswith("versioned:3:")


def test_a_manual_start_of_a_timer_only_process_starts_at_once(ctx, clock) -> None:
    _deploy(ctx, "manual_timer", chain(timer_start("R/2026-02-27T09:00:00+08:00/P1D"), TASK, END))
    started = instances.start_instance(ctx, key="manual_timer", actor=CLERK, variables={"note": "加急"})
    state = _state(ctx, "manual_timer")
    assert [(i["tasks"], i["variables"], i["start"], i["by"]) for i in state["instances"]] == [
        (["Task_Check"], {"note": "加急"}, None, "city1")]
    assert state["instance_timers"] == 0  # the instance does not wait on the start timer
    detail = instances.get_instance(ctx, instance_id=started.id, actor=CLERK)
    assert detail["timers"] == [] and [t["elementId"] for t in detail["tasks"]] == ["Task_Check"]


def test_two_schedulers_fire_each_firing_once(ctx, clock, database_url) -> None:
    _deploy(ctx, "shared_cycle", chain(timer_start("R/2026-03-03T09:00:00+08:00/PT1H"), TASK, END))
    other = build_context(Config(database_url=database_url), clock=MovableClock(_at(3, minute=1)))
    try:
        clock.set(_at(3, minute=1))
        if is_postgres(ctx.db):  # the first scheduler holds its claim while the second one looks
            with ctx.unit_of_work() as held:
                claimed = job_store.claim_next(held.session, clock.now(), skip=(), skip_locked=True)
                assert claimed is not None and claimed.kind == "timer_start"
                assert jobs.fire_due_jobs(other) == 0  # skipped, not waited for, not fired again
        assert jobs.fire_due_jobs(other) == 1
        assert jobs.fire_due_jobs(ctx) == 0
        assert jobs.fire_due_jobs(other) == 0
        state = _state(ctx, "shared_cycle")
        assert len(state["instances"]) == 1
        assert state["jobs"] == [{"element": "Start_Daily", "due": _at(3, 10), "definition": "1"}]
    finally:
        other.db.dispose()


def test_a_failing_start_becomes_an_incident_and_the_schedule_goes_on(ctx, clock) -> None:
    script = ('<bpmn:scriptTask id="Script_Count" scriptFormat="python">'
              "<bpmn:script>total = 1 / zero</bpmn:script></bpmn:scriptTask>")
    _deploy(ctx, "failing_start", chain(timer_start("R/2026-03-03T09:00:00+08:00/P1D"), script, TASK, END))
    clock.set(_at(3, minute=1))
    assert jobs.fire_due_jobs(ctx) == 0
    state = _state(ctx, "failing_start")
    assert state["instances"] == []  # nothing saved of the failed start
    assert [j["due"] for j in state["jobs"]][-1] == _at(4)  # the next firing is scheduled all the same
    for _ in range(6):  # the retries' backoff (60 s, 300 s, 1500 s) runs out before the next day
        clock.set(clock.now() + timedelta(minutes=30))
        jobs.fire_due_jobs(ctx)
    admin = Actor(id="admin", groups=frozenset({ADMIN}))
    (incident,) = jobs.list_incidents(ctx, actor=admin)
    assert (incident.element_id, incident.failed_element_id) == ("Start_Daily", "Script_Count")
    assert incident.definition_id.startswith("failing_start:1:") and incident.instance_id is None
    assert "zero" in incident.message
    left = _state(ctx, "failing_start")["jobs"]  # the failed firing (0 retries) and the next one
    assert len(left) == 2 and left[-1]["due"] == _at(4)


@pytest.mark.parametrize(("body", "element", "reason"), [
    (chain('<bpmn:startEvent id="Start_Manual" />', TASK, END) + timer_start("R/P1D")
     + '<bpmn:sequenceFlow id="Flow_9" sourceRef="Start_Daily" targetRef="Task_Check" />',
     "Start_Daily", "multiple none start events or timer start events"),
    (chain(timer_start("0 0 9 L * ?"), TASK, END), "Start_Daily", "L, W and #"),
    (chain(timer_start("0 0 9 ? * 6#3"), TASK, END), "Start_Daily", "L, W and #"),
    (chain(timer_start("0 0 9 * * *"), TASK, END), "Start_Daily", "exactly one of day-of-month"),
    (chain(timer_start("*/10 * * * * ?"), TASK, END), "Start_Daily", "at most one firing a minute"),
    (chain(timer_start("${undefined_name}"), TASK, END), "Start_Daily", "undefined_name"),
], ids=["none-and-timer", "cron-L", "cron-hash", "cron-no-question-mark", "cron-seconds", "expression"])
def test_what_cannot_run_as_drawn_is_refused_at_deploy(ctx, body, element, reason) -> None:
    with pytest.raises(InvalidInput) as refused:
        _deploy(ctx, "refused_start", body)
    problems = " ".join(refused.value.fields["diagram"])
    assert f"[{element}]" in problems and reason in problems
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_a_suspended_definition_skips_its_firings_and_keeps_the_schedule(ctx, clock) -> None:
    from service.engine.instance_admin import set_definition_suspended

    _deploy(ctx, "paused_cycle", chain(timer_start("R/2026-03-03T09:00:00+08:00/P1D"), TASK, END))
    admin = Actor(id="admin", groups=frozenset({ADMIN}))
    set_definition_suspended(ctx, actor=admin, suspended=True, key="paused_cycle")
    clock.set(_at(3, minute=1))
    assert jobs.fire_due_jobs(ctx) == 1  # the job ran: it started nothing (Camunda: ignored)
    state = _state(ctx, "paused_cycle")
    assert state["instances"] == [] and [j["due"] for j in state["jobs"]] == [_at(4)]
    set_definition_suspended(ctx, actor=admin, suspended=False, key="paused_cycle")
    clock.set(_at(4, minute=1))
    assert jobs.fire_due_jobs(ctx) == 1
    assert [i["tasks"] for i in _state(ctx, "paused_cycle")["instances"]] == [["Task_Check"]]


def test_an_unchanged_redeploy_keeps_the_schedule(ctx, clock) -> None:
    body = chain(timer_start("R/2026-03-03T09:00:00+08:00/P1D"), TASK, END)
    _deploy(ctx, "kept_cycle", body)
    with ctx.unit_of_work(write=False) as uow:
        before = uow.session.scalars(sa.select(Job.id).where(Job.kind == "timer_start")).all()
    assert len(before) == 1
    _deploy(ctx, "kept_cycle", body)  # deploy-changed-only: same version, same job
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalars(sa.select(Job.id).where(Job.kind == "timer_start")).all() == before


@pytest.mark.parametrize(("kind", "text", "due"), [
    ("timeDate", "${add_days(now(), 2)}", _at(4)),
    ("timeDuration", "PT36H", _at(3, 21)),
    ("timeCycle", "${'R2/PT12H'}", _at(2, 21)),
])
def test_expressions_and_durations_count_from_the_deployment(ctx, clock, kind, text, due) -> None:
    _deploy(ctx, "computed_start", chain(timer_start(text, kind=kind), TASK, END))
    assert _state(ctx, "computed_start")["jobs"] == [
        {"element": "Start_Daily", "due": due, "definition": "1"}]
    clock.set(due + timedelta(minutes=1))
    assert jobs.fire_due_jobs(ctx) == 1
    assert [i["start"] for i in _state(ctx, "computed_start")["instances"]] == ["Start_Daily"]


def test_a_called_process_with_a_timer_start_starts_at_it(ctx) -> None:
    """Camunda: a call activity starts the called process at its initial start event, here its timer
    start event, at once; only the calling process's own start schedules nothing."""
    _deploy(ctx, "timed_child", chain(timer_start("R/2026-03-03T09:00:00+08:00/P1D"), TASK, END))
    call = '<bpmn:callActivity id="Call_Child" calledElement="timed_child" />'
    _deploy(ctx, "calling_parent", chain('<bpmn:startEvent id="Start_Parent" />', call, END))
    started = instances.start_instance(ctx, key="calling_parent", actor=CLERK)
    assert [t["elementId"] for t in instances.get_instance(ctx, instance_id=started.id, actor=CLERK)["tasks"]
            ] == ["Task_Check"]


def test_a_schedule_that_no_longer_computes_fails_the_job_not_the_scheduler(ctx, clock) -> None:
    import json

    _deploy(ctx, "broken_state", chain(timer_start("0 0 9 * * ?"), TASK, END))
    with ctx.unit_of_work() as uow:
        (job,) = uow.session.scalars(sa.select(Job).where(Job.kind == "timer_start")).all()
        broken = {"kind": "cron", "cron": "0 0 9 L * ?"}
        job.payload_json = json.dumps({**job_store.payload(job), "state": broken})
        uow.commit()
    clock.set(_at(3, minute=1))
    assert jobs.fire_due_jobs(ctx) == 0
    with ctx.unit_of_work(write=False) as uow:
        (failed,) = uow.session.scalars(sa.select(Job).where(Job.kind == "timer_start")).all()
        assert "L, W and #" in failed.last_error and failed.retries == 2
    assert _state(ctx, "broken_state")["instances"] == []
