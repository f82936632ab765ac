"""Moving running instances to a new version over /engine-rest (issue 15 item 8): a generated plan maps
equal activity ids, validate lists what cannot move, execute moves the instance with its open task (same
id, same assignee) or refuses naming the instance and the activity, and only owners and admins may."""

from __future__ import annotations

import secrets
from datetime import datetime

from service.engine import jobs
from service.engine.store import audit
from tests.support.drawn import chain, drawn
from tests.support.owner_edit import FORM, FORM_FILE, TASK_ID, modeler5_upload, with_material_step
from tests.support.procedure import Walk

from .walk import modeler_upload

KEY = "migrating"
START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'


def _task(element_id: str, name: str, group: str = "city_clerk") -> str:
    return f'<bpmn:userTask id="{element_id}" name="{name}" camunda:candidateGroups="{group}" />'


V1 = chain(START, _task("Task_Review", "审核"), _task("Task_Sign", "签发"), END)
V2 = chain(START, _task("Task_Review", "审核"), _task("Task_Material", "材料补充说明"),
           _task("Task_Sign", "签发"), END)
V3 = chain(START,
           '<bpmn:serviceTask id="Task_Review" name="审核" camunda:type="external" camunda:topic="t" />',
           _task("Task_Sign", "签发"), END)


def _deploy(owner, body: str, name: str) -> str:
    upload = modeler_upload({f"{KEY}.bpmn": drawn(KEY, body, name=name)}, name=KEY)
    response = owner.rest("POST", "/deployment/create", **upload)
    assert response.status_code == 200, response.text
    [definition] = response.json()["deployedProcessDefinitions"].values()
    return definition["id"]


def _open_task(client, instance_id: str) -> dict:
    [task] = client.rest("GET", "/task", params={"processInstanceId": instance_id}).json()
    return task


def test_an_instance_waiting_at_a_task_moves_to_v2_and_continues_into_the_new_step(server):
    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, V1, "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={"businessKey": "MIG-1"}).json()
    before = _open_task(clerk, started["id"])
    assert clerk.rest("POST", f"/task/{before['id']}/claim", json={"userId": "city1"}).status_code == 204
    v2 = _deploy(owner, V2, "v2")

    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2,
        "updateEventTriggers": False}).json()
    mapped = {i["sourceActivityIds"][0]: i["targetActivityIds"][0] for i in plan["instructions"]}
    assert mapped["Task_Review"] == "Task_Review" and mapped["Task_Sign"] == "Task_Sign"
    assert "Task_Material" not in mapped
    assert (plan["sourceProcessDefinitionId"], plan["targetProcessDefinitionId"]) == (v1, v2)
    assert owner.rest("POST", "/migration/validate", json=plan).json() == {
        "instructionReports": [], "variableReports": {}}

    refused = clerk.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]]})
    assert refused.status_code == 403

    moved = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]], "skipCustomListeners": True})
    assert moved.status_code == 204, moved.text
    instance = owner.rest("GET", f"/process-instance/{started['id']}").json()
    assert instance["definitionId"] == v2 and instance["businessKey"] == "MIG-1"
    after = _open_task(clerk, started["id"])
    assert (after["id"], after["assignee"]) == (before["id"], "city1")
    assert after["taskDefinitionKey"] == "Task_Review"
    assert after["processDefinitionId"] == v2

    assert clerk.rest("POST", f"/task/{after['id']}/complete", json={}).status_code == 204
    nxt = _open_task(clerk, started["id"])
    assert (nxt["taskDefinitionKey"], nxt["name"]) == ("Task_Material", "材料补充说明")  # the step v2 added

    with server.ctx.unit_of_work(write=False) as uow:
        events = [e for e in audit.list_events(uow.session, instance_id=started["id"])
                  if e.action == "instance.migrated"]
    assert len(events) == 1 and events[0].actor == "owner"


def test_what_cannot_move_is_reported_and_nothing_moves(server):
    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, V1, "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={}).json()
    v3 = _deploy(owner, V3, "v3")  # Task_Review became a service task

    bad = owner.rest("POST", "/migration/validate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v3,
        "instructions": [{"sourceActivityIds": ["Task_Review"], "targetActivityIds": ["Task_Review"]},
                         {"sourceActivityIds": ["Task_Gone"], "targetActivityIds": ["Task_Gone"]}]}).json()
    reports = {r["instruction"]["sourceActivityIds"][0]: r["failures"] for r in bad["instructionReports"]}
    assert "incompatible types" in " ".join(reports["Task_Review"])
    assert "Source activity 'Task_Gone' does not exist" in " ".join(reports["Task_Gone"])

    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v3}).json()
    assert "Task_Review" not in {i["sourceActivityIds"][0] for i in plan["instructions"]}
    response = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]]})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "MigratingProcessInstanceValidationException"
    assert started["id"] in body["message"] and "Task_Review" in body["message"]
    [activity] = body["validationReport"]["activityInstanceValidationReports"]
    assert activity["sourceScopeId"] == "Task_Review" and activity["failures"]
    assert owner.rest("GET", f"/process-instance/{started['id']}").json()["definitionId"] == v1

    unknown = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": ["no-such-instance"]})
    assert unknown.status_code == 404
    none = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceQuery": {"businessKey": "no-such-application"}})
    assert none.status_code == 400 and "processInstanceQuery" in none.json()["message"]
    missing = owner.rest("POST", "/migration/execute", json={"migrationPlan": plan})
    assert missing.status_code == 400 and "processInstanceIds" in missing.json()["message"]


def test_an_application_waiting_at_its_first_step_moves_to_the_owners_new_version(server):
    """The bundled recommendation diagram, version 2 with a new step (tests/support/owner_edit.py):
    an application started on version 1 moves, and after 发起组建 goes to the new 材料补充说明."""
    walk = Walk(server.ctx)
    instance_id = walk.start()
    owner = server.client("owner")
    v1 = owner.rest("GET", f"/process-instance/{instance_id}").json()["definitionId"]
    upload = modeler5_upload({"consortium_recommendation.bpmn": with_material_step(), FORM_FILE: FORM},
                             name="consortium_recommendation")
    deployed = owner.rest("POST", "/deployment/create", **upload)
    assert deployed.status_code == 200, deployed.text
    [v2] = [d["id"] for d in deployed.json()["deployedProcessDefinitions"].values()]
    before = walk.tasks_of("lead1", "Task_Initiate")[0].id

    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2}).json()
    moved = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceQuery": {"processDefinitionId": v1,
                                                        "businessKey": walk.business_key}})
    assert moved.status_code == 204, moved.text
    assert owner.rest("GET", f"/process-instance/{instance_id}").json()["definitionId"] == v2
    assert walk.tasks_of("lead1", "Task_Initiate")[0].id == before

    walk.do("Task_Initiate")
    [step] = [t for t in walk.tasks_of("admin") if t.element_id == TASK_ID]
    assert step.name == "材料补充说明"
    assert [c.value for c in step.candidates if c.kind == "group"] == ["archive_clerk"]


TIMED = chain(START, _task("Task_Review", "审核"), _task("Task_Sign", "签发"), END)


def _with_timer(body: str, duration: str) -> str:
    """`body` with an interrupting boundary timer on Task_Review leading to its own end."""
    timer = (f'<bpmn:boundaryEvent id="Timer_Late" attachedToRef="Task_Review"><bpmn:timerEventDefinition>'
             f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{duration}</bpmn:timeDuration>'
             '</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:endEvent id="End_Late" />'
             '<bpmn:sequenceFlow id="Flow_Late" sourceRef="Timer_Late" targetRef="End_Late" />')
    return body + timer


def test_update_event_triggers_is_refused_naming_the_instruction_never_stored_and_ignored(server):
    """Report finding 9: `updateEventTrigger(s): true` was accepted, echoed and ignored (the timer kept its
    old due date); Camunda recomputes the trigger, so it is refused with a 400 here."""
    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, _with_timer(TIMED, "PT2H"), "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={}).json()
    v2 = _deploy(owner, _with_timer(TIMED, "PT5H"), "v2")
    generated = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2, "updateEventTriggers": True})
    assert generated.status_code == 400 and "updateEventTriggers" in generated.text
    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2}).json()
    for instruction in plan["instructions"]:
        instruction["updateEventTrigger"] = instruction["sourceActivityIds"] == ["Timer_Late"]
    reports = owner.rest("POST", "/migration/validate", json=plan).json()["instructionReports"]
    assert [r["instruction"]["sourceActivityIds"] for r in reports] == [["Timer_Late"]]
    assert "updateEventTrigger" in reports[0]["failures"][0] and "Timer_Late" in reports[0]["failures"][0]
    refused = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]]})
    assert refused.status_code == 400 and "Timer_Late" in refused.text
    assert owner.rest("GET", f"/process-instance/{started['id']}").json()["definitionId"] == v1


def test_a_boundary_event_the_target_removed_is_removed_as_camunda_does(server):
    """Report finding 14: an instance at a task with a boundary timer, moved to a version without it, was
    refused naming SpiffWorkflow's `Task_Review.BoundaryEventSplit`; Camunda removes the unmapped boundary
    event (and its timer job) and migrates."""
    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, _with_timer(TIMED, "PT2H"), "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={}).json()
    assert [j["jobDefinitionId"] for j in owner.rest("GET", "/job", params={
        "processInstanceId": started["id"]}).json()].count("timer") == 1
    v2 = _deploy(owner, TIMED, "v2")
    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2}).json()
    moved = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]]})
    assert moved.status_code == 204, moved.text
    assert "BoundaryEventSplit" not in moved.text
    assert "timer" not in [j["jobDefinitionId"] for j in owner.rest("GET", "/job", params={
        "processInstanceId": started["id"]}).json()]
    task = _open_task(clerk, started["id"])
    assert task["taskDefinitionKey"] == "Task_Review" and task["processDefinitionId"] == v2
    assert clerk.rest("POST", f"/task/{task['id']}/complete", json={}).status_code == 204
    assert _open_task(clerk, started["id"])["taskDefinitionKey"] == "Task_Sign"


def test_the_deployments_page_moves_instances_only_to_the_newest_version(server):
    """Report finding 14: `/deployments/migrate` took any `target_id` from the form although its button says
    "to the newest version": another target is a 400 and nothing moves."""
    from tests.support.pages import form_token, sign_in

    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, V1, "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={}).json()
    v2 = _deploy(owner, V2, "v2")
    _deploy(owner, V1 + "<!-- v3 -->", "v3")
    browser = server.client(None)
    assert sign_in(browser, "owner").status_code == 303
    token = form_token(browser, "/deployments")
    refused = browser.post("/deployments/migrate", data={"csrf_token": token, "definition_id": v1,
                                                          "target_id": v2, "idem": secrets.token_urlsafe(16)})
    assert refused.status_code == 400 and "newest version" in refused.text
    assert owner.rest("GET", f"/process-instance/{started['id']}").json()["definitionId"] == v1



def test_a_completed_step_whose_type_changed_does_not_stop_the_migration(server):
    """Report-b finding 4: Camunda validates only the active activity instances; an instance past
    Task_Review (now an external service task in the target) moves with its open Task_Sign."""
    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, V1, "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={}).json()
    review = _open_task(clerk, started["id"])
    assert clerk.rest("POST", f"/task/{review['id']}/complete", json={}).status_code == 204
    sign = _open_task(clerk, started["id"])
    v3 = _deploy(owner, V3, "v3")  # Task_Review became a service task
    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v3}).json()
    assert owner.rest("POST", "/migration/validate", json=plan).json()["instructionReports"] == []
    moved = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]]})
    assert moved.status_code == 204, moved.text
    after = _open_task(clerk, started["id"])
    assert (after["id"], after["processDefinitionId"]) == (sign["id"], v3)
    history = owner.rest("GET", "/history/activity-instance",
                         params={"processInstanceId": started["id"]}).json()
    assert "Task_Review" in {a["activityId"] for a in history}  # the finished step stays in history
    assert clerk.rest("POST", f"/task/{after['id']}/complete", json={}).status_code == 204
    assert owner.rest("GET", f"/history/process-instance/{started['id']}").json()["state"] == "COMPLETED"


def test_a_boundary_timer_only_the_target_draws_is_created_on_the_migrated_task(server, clock):
    """Report-b finding 5: Camunda instantiates an emerging boundary event (EmergingJobInstance): the
    migrated Task_Review gets the target's timer, due from the migration's now, and escalates as an
    instance started on the target would."""
    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, TIMED, "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={}).json()
    task = _open_task(clerk, started["id"])
    clock.advance(hours=3)
    v2 = _deploy(owner, _with_timer(TIMED, "PT2H"), "v2")
    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2}).json()
    migrated_at = server.ctx.now()
    moved = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]]})
    assert moved.status_code == 204, moved.text
    [job] = [j for j in owner.rest("GET", "/job", params={"processInstanceId": started["id"]}).json()
             if j["jobDefinitionId"] == "timer"]
    due = datetime.fromisoformat(job["dueDate"].replace("+0000", "+00:00"))
    assert abs((due - migrated_at).total_seconds() - 2 * 3600) < 5, (job["dueDate"], migrated_at)
    assert _open_task(clerk, started["id"])["id"] == task["id"]
    clock.advance(hours=2, minutes=1)
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert clerk.rest("GET", "/task", params={"processInstanceId": started["id"]}).json() == []
    ended = owner.rest("GET", "/history/activity-instance",
                       params={"processInstanceId": started["id"], "activityId": "End_Late"}).json()
    assert len(ended) == 1


def test_a_message_boundary_event_only_the_target_draws_waits_on_the_migrated_task(server):
    """Report-b finding 5, a message (EmergingEventSubscriptionInstance): the migrated task's new
    boundary event is subscribed, and a correlation takes its path."""
    owner, clerk = server.client("owner"), server.client("city1")
    v1 = _deploy(owner, TIMED, "v1")
    started = clerk.rest("POST", f"/process-definition/{v1}/start", json={}).json()
    caught = ('<bpmn:boundaryEvent id="Msg_Withdrawn" attachedToRef="Task_Review">'
              '<bpmn:messageEventDefinition messageRef="Message_W" /></bpmn:boundaryEvent>'
              '<bpmn:endEvent id="End_Withdrawn" />'
              '<bpmn:sequenceFlow id="Flow_W" sourceRef="Msg_Withdrawn" targetRef="End_Withdrawn" />')
    upload = modeler_upload({f"{KEY}.bpmn": drawn(KEY, TIMED + caught, name="v2",
                                                  messages={"Message_W": "withdrawn"})}, name=KEY)
    deployed = owner.rest("POST", "/deployment/create", **upload)
    assert deployed.status_code == 200, deployed.text
    [v2] = [d["id"] for d in deployed.json()["deployedProcessDefinitions"].values()]
    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2}).json()
    moved = owner.rest("POST", "/migration/execute", json={
        "migrationPlan": plan, "processInstanceIds": [started["id"]]})
    assert moved.status_code == 204, moved.text
    sent = owner.rest("POST", "/message", json={"messageName": "withdrawn",
                                                "processInstanceId": started["id"]})
    assert sent.status_code == 204, sent.text
    assert clerk.rest("GET", "/task", params={"processInstanceId": started["id"]}).json() == []
    ended = owner.rest("GET", "/history/activity-instance",
                       params={"processInstanceId": started["id"], "activityId": "End_Withdrawn"}).json()
    assert len(ended) == 1
