"""Issue 12, fault 5 over /engine-rest: timer start events deployed as Camunda Modeler deploys them.

Before: a process whose start event has `timeCycle` `R/…/P1D` deployed, no job was created and no
instance ever started; a manual start waited on the timer inside that one instance; a diagram with a
none start event beside a timer start event deployed although Camunda 7 refuses it ("multiple none
start events or timer start events not supported on process definition", `BpmnParse.selectInitial`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.engine import jobs
from tests.support.drawn import chain, drawn

from .running import deploy, get, open_tasks, start
from .walk import modeler_upload

TASK = '<bpmn:userTask id="Task_Report" name="填报日报" camunda:candidateGroups="city_clerk" />'
END = '<bpmn:endEvent id="End_1" />'


def timer_start(cycle: str) -> str:
    return ('<bpmn:startEvent id="Start_Every_Morning" name="每天九点">'
            '<bpmn:timerEventDefinition id="TD_1">'
            f'<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">{cycle}</bpmn:timeCycle>'
            "</bpmn:timerEventDefinition></bpmn:startEvent>")


def _timer_jobs(server) -> list[dict]:
    found = get(server, "/job?timers=true", login="owner")
    return [j for j in found if j["jobDefinitionId"] == "timer_start"]


def _instances(server, key: str) -> list[dict]:
    return get(server, f"/process-instance?processDefinitionKey={key}", login="owner")


def test_a_cron_timer_start_event_starts_an_instance_every_morning(server, clock):
    deploy(server, "morning_report", chain(timer_start("0 0 9 * * ?"), TASK, END))
    (job,) = _timer_jobs(server)
    assert job["processInstanceId"] is None and job["processDefinitionKey"] == "morning_report"
    assert job["dueDate"] == "2026-03-03T09:00:00.000+0800"
    assert _instances(server, "morning_report") == []
    clock.set(datetime(2026, 3, 3, 1, 0, 30, tzinfo=UTC))  # 09:00:30 in Qingdao
    assert jobs.fire_due_jobs(server.ctx) == 1
    (instance,) = _instances(server, "morning_report")
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance["id"])] == ["Task_Report"]
    (following,) = _timer_jobs(server)
    assert following["id"] != job["id"]
    clock.advance(days=1)
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert len(_instances(server, "morning_report")) == 2


def test_a_manual_start_of_a_timer_only_process_starts_at_once(server):
    deploy(server, "manual_report", chain(timer_start("R/2026-02-27T09:00:00+08:00/P1D"), TASK, END))
    instance = start(server, "manual_report", {"note": {"value": "补报", "type": "String"}})
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_Report"]
    assert get(server, f"/job?processInstanceId={instance}", login="owner") == []  # waits on no timer


def test_a_new_version_without_the_timer_start_stops_it(server, clock):
    deploy(server, "stopped_report", chain(timer_start("R/PT1H"), TASK, END))
    assert len(_timer_jobs(server)) == 1
    deploy(server, "stopped_report", chain('<bpmn:startEvent id="Start_By_Hand" />', TASK, END))
    assert _timer_jobs(server) == []
    clock.advance(hours=3)
    assert jobs.fire_due_jobs(server.ctx) == 0
    assert _instances(server, "stopped_report") == []


def test_a_none_start_beside_a_timer_start_is_refused_naming_it(server):
    body = (chain('<bpmn:startEvent id="Start_By_Hand" />', TASK, END) + timer_start("R/P1D")
            + '<bpmn:sequenceFlow id="Flow_T" sourceRef="Start_Every_Morning" targetRef="Task_Report" />')
    upload = modeler_upload({"two_starts.bpmn": drawn("two_starts", body)}, name="two_starts")
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 400, response.text
    assert "Start_Every_Morning" in response.text
    assert "multiple none start events or timer start events" in response.text
    assert _timer_jobs(server) == []


def test_an_unsupported_cron_is_refused_naming_the_element(server):
    files = {"last_day.bpmn": drawn("last_day", chain(timer_start("0 0 9 L * ?"), TASK, END))}
    upload = modeler_upload(files, name="last_day")
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 400, response.text
    assert "Start_Every_Morning" in response.text and "L, W and #" in response.text


def test_the_next_firing_after_a_missed_day_is_tomorrow(server, clock):
    deploy(server, "missed_report", chain(timer_start("0 0 9 * * ?"), TASK, END))
    clock.advance(days=3, hours=2)  # the schedulers were down for three mornings
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert len(_instances(server, "missed_report")) == 1
    (following,) = _timer_jobs(server)
    due = datetime.strptime(following["dueDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
    assert due == datetime(2026, 3, 6, 1, 0, tzinfo=UTC)  # Friday 09:00: the missed mornings are skipped
    assert due - clock.now() < timedelta(days=1)
