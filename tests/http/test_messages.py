"""Issue 12, fault 10 over /engine-rest: `POST /message` as Camunda 7 answers it, on SQLite and PostgreSQL.

Each test deploys a small Modeler diagram (tests/support/message_diagrams.py), drives it through
/engine-rest and checks, after every step, the instance's variables, its open tasks and its history.
Before: `/message` answered 404, and a process whose only start event is a message start event started
an instance that waited for ever with no task and no error.
"""

from __future__ import annotations

from typing import Any

from service.engine import jobs
from tests.support.message_diagrams import doc

from .camunda_schema import CamundaSchemas
from .running import complete, get, open_tasks
from .walk import modeler_upload


def deploy(server, key: str) -> None:
    upload = modeler_upload({f"{key}.bpmn": doc(key)}, name=key)
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 200, response.text


def start(server, key: str, business_key: str | None = None, variables: dict[str, Any] | None = None) -> str:
    response = server.client("city1").rest("POST", f"/process-definition/key/{key}/start", json={
        "businessKey": business_key, "variables": {k: {"value": v} for k, v in (variables or {}).items()}})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def correlate(server, login: str = "admin", **body: Any):
    return server.client(login).rest("POST", "/message", json=body)


def variables(server, instance: str) -> dict[str, Any]:
    return {k: v["value"] for k, v in get(server, f"/process-instance/{instance}/variables").items()}


def tasks(server, instance: str) -> list[str]:
    return sorted(t["taskDefinitionKey"] for t in open_tasks(server, instance))


def history(server, instance: str) -> dict[str, Any]:
    (found,) = get(server, f"/history/process-instance?processInstanceId={instance}")
    return found


def finished_tasks(server, instance: str) -> list[tuple[str, str | None]]:
    rows = get(server, f"/history/task?processInstanceId={instance}")
    return sorted((t["taskDefinitionKey"], t["deleteReason"]) for t in rows)


def activity_ids(server, instance: str) -> list[str]:
    return [a["activityId"] for a in get(server, f"/history/activity-instance?processInstanceId={instance}")]


def typed(**values: Any) -> dict[str, Any]:
    kinds = {int: "Integer", str: "String", bool: "Boolean"}
    return {k: {"value": v, "type": kinds[type(v)]} for k, v in values.items()}


def test_a_message_start_event_starts_the_newest_version_with_business_key_and_variables(server):
    deploy(server, "msg_start")
    answer = correlate(server, messageName="order_received", businessKey="ORDER-1",
                       processVariables=typed(order=7), resultEnabled=True)
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()
    assert result["resultType"] == "ProcessDefinition" and result["execution"] is None
    instance = result["processInstance"]["id"]
    assert result["processInstance"]["businessKey"] == "ORDER-1"
    assert result["processInstance"]["ended"] is False
    assert variables(server, instance) == {"order": 7}
    assert tasks(server, instance) == ["Task_Handle"]
    assert history(server, instance)["businessKey"] == "ORDER-1"
    assert history(server, instance)["state"] == "ACTIVE"
    activities = activity_ids(server, instance)
    assert "Start_Order" in activities
    assert finished_tasks(server, instance) == [("Task_Handle", None)]
    (task,) = open_tasks(server, instance)
    assert complete(server, task["id"]).status_code == 204
    assert history(server, instance)["state"] == "COMPLETED"
    assert finished_tasks(server, instance) == [("Task_Handle", "completed")]


def test_starting_by_key_passes_a_lone_message_start_event(server):
    deploy(server, "msg_start")
    instance = start(server, "msg_start", variables={"a": 1})
    assert tasks(server, instance) == ["Task_Handle"] and variables(server, instance) == {"a": 1}


def test_a_second_process_cannot_start_on_the_same_message(server):
    deploy(server, "msg_start")
    content = doc("msg_start").replace(b'id="msg_start"', b'id="msg_start_copy"')
    upload = modeler_upload({"copy.bpmn": content}, name="copy")
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 400
    assert "Start_Order" in response.text and "order_received" in response.text


def test_an_intermediate_catch_event_by_process_instance_id_with_result_and_variables(server):
    deploy(server, "msg_catch")
    instance = start(server, "msg_catch", business_key="B-1")
    nothing = correlate(server, messageName="payment", processInstanceId=instance)
    assert nothing.status_code == 400 and "payment" in nothing.json()["message"]  # nothing waits yet
    (task,) = open_tasks(server, instance)
    assert complete(server, task["id"], {"prepared": {"value": True}}).status_code == 204
    assert tasks(server, instance) == [] and variables(server, instance) == {"prepared": True}

    # no amount: the script after the catch event fails; the caller's command fails, nothing is saved
    failed = correlate(server, messageName="payment", processInstanceId=instance)
    assert failed.status_code == 400 and "Script_Note" in failed.json()["message"]
    assert tasks(server, instance) == [] and variables(server, instance) == {"prepared": True}

    answer = correlate(server, messageName="payment", processInstanceId=instance,
                       processVariables=typed(amount=12), resultEnabled=True, variablesInResultEnabled=True)
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()
    assert result["resultType"] == "Execution" and result["processInstance"] is None
    assert result["execution"]["processInstanceId"] == instance and result["execution"]["id"]
    assert {k: v["value"] for k, v in result["variables"].items()} == {
        "prepared": True, "amount": 12, "paid_note": "paid 12"}
    assert tasks(server, instance) == ["Task_Ship"]
    assert variables(server, instance) == {"prepared": True, "amount": 12, "paid_note": "paid 12"}
    assert finished_tasks(server, instance) == [("Task_Prepare", "completed"), ("Task_Ship", None)]
    activities = activity_ids(server, instance)
    assert "Catch_Paid" in activities
    again = correlate(server, messageName="payment", processInstanceId=instance)
    assert again.status_code == 400


def test_boundary_events_non_interrupting_twice_then_interrupting_by_business_key(server):
    deploy(server, "msg_boundary")
    instance = start(server, "msg_boundary", business_key="R-1")
    other = start(server, "msg_boundary", business_key="R-2")
    for note in ("a", "b"):
        response = correlate(server, messageName="note", businessKey="R-1", processVariables=typed(note=note))
        assert response.status_code == 204, response.text
        assert variables(server, instance) == {"note": note}
    assert tasks(server, instance) == ["Task_ReadNote", "Task_ReadNote", "Task_Review"]
    assert tasks(server, other) == ["Task_Review"] and variables(server, other) == {}
    assert correlate(server, messageName="withdraw", businessKey="R-1").status_code == 204
    assert tasks(server, instance) == ["Task_Archive", "Task_ReadNote", "Task_ReadNote"]
    assert ("Task_Review", "deleted") in finished_tasks(server, instance)
    review = [a for a in get(server, f"/history/activity-instance?processInstanceId={instance}")
              if a["activityId"] == "Task_Review"]
    assert len(review) == 1 and review[0]["canceled"] is True
    assert tasks(server, other) == ["Task_Review"]
    gone = correlate(server, messageName="withdraw", businessKey="R-1")  # ended with the task
    assert gone.status_code == 400


def test_an_event_based_gateway_message_first_or_timer_first(server, clock):
    deploy(server, "msg_gateway")
    quick = start(server, "msg_gateway", business_key="G-1")
    slow = start(server, "msg_gateway", business_key="G-2")
    assert correlate(server, messageName="answer", businessKey="G-1",
                     processVariables=typed(answer="yes")).status_code == 204
    assert tasks(server, quick) == ["Task_Answered"] and variables(server, quick) == {"answer": "yes"}
    clock.advance(hours=1, minutes=1)
    assert jobs.fire_due_jobs(server.ctx) == 1  # only the slow one's timer is left
    assert tasks(server, slow) == ["Task_Remind"] and tasks(server, quick) == ["Task_Answered"]
    late = correlate(server, messageName="answer", businessKey="G-2")
    assert late.status_code == 400 and variables(server, slow) == {}


def test_a_receive_task_by_correlation_keys_ambiguous_and_all(server):
    deploy(server, "msg_receive")
    first = start(server, "msg_receive", variables={"case": "C-1"})
    second = start(server, "msg_receive", variables={"case": "C-2"})
    third = start(server, "msg_receive", variables={"case": "C-3"})
    ambiguous = correlate(server, messageName="document")
    assert ambiguous.status_code == 400 and "3" in ambiguous.json()["message"]
    assert tasks(server, first) == tasks(server, second) == []
    keyed = correlate(server, messageName="document", correlationKeys=typed(case="C-2"),
                      processVariables=typed(pages=3), resultEnabled=True)
    assert keyed.status_code == 200
    assert [r["execution"]["processInstanceId"] for r in keyed.json()] == [second]
    assert tasks(server, second) == ["Task_Check"]
    assert variables(server, second) == {"case": "C-2", "pages": 3}
    assert tasks(server, first) == []
    everything = correlate(server, messageName="document", all=True, resultEnabled=True)
    assert everything.status_code == 200
    assert sorted(r["execution"]["processInstanceId"] for r in everything.json()) == sorted([first, third])
    assert tasks(server, first) == tasks(server, third) == ["Task_Check"]
    none = correlate(server, messageName="document", all=True, resultEnabled=True)
    assert none.status_code == 200 and none.json() == []
    assert correlate(server, messageName="document").status_code == 400


def test_a_date_correlation_key_matches_and_dates_come_back_typed(server):
    deploy(server, "msg_receive")
    due = {"value": "2026-03-09T09:00:00.000+0800", "type": "Date"}
    response = server.client("city1").rest("POST", "/process-definition/key/msg_receive/start",
                                            json={"variables": {"due": due}})
    assert response.status_code == 200, response.text
    instance = response.json()["id"]
    other = {"value": "2026-03-10T09:00:00.000+0800", "type": "Date"}
    assert correlate(server, messageName="document", correlationKeys={"due": other}).status_code == 400
    answer = correlate(server, messageName="document", correlationKeys={"due": due}, resultEnabled=True,
                       variablesInResultEnabled=True)
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()
    assert result["execution"]["processInstanceId"] == instance
    assert result["variables"]["due"] == {**due, "valueInfo": {}}
    assert tasks(server, instance) == ["Task_Check"]


def test_correlation_needs_an_administrator_and_refuses_what_it_cannot_do(server):
    deploy(server, "msg_receive")
    instance = start(server, "msg_receive", variables={"case": "C-1"})
    assert correlate(server, "city1", messageName="document").status_code == 403
    for field, value in (("tenantId", "t"), ("localCorrelationKeys", typed(case="C-1")), ("nonsense", 1)):
        refused = correlate(server, messageName="document", **{field: value})
        assert refused.status_code == 400 and field in refused.json()["message"], refused.text
    missing = correlate(server, processInstanceId=instance)
    assert missing.status_code == 400 and "messageName" in missing.json()["message"]
    assert tasks(server, instance) == []


def test_the_answers_have_camundas_shape(server, camunda_openapi):
    """POST /message's 200, 204 and 400 bodies against Camunda 7.21's own OpenAPI document."""
    schemas = CamundaSchemas(camunda_openapi)
    deploy(server, "msg_start")
    deploy(server, "msg_receive")
    start(server, "msg_receive", variables={"case": "C-1"})
    started = correlate(server, messageName="order_received", resultEnabled=True)
    assert schemas.check(started, "/message")[0]["processInstance"]["id"]
    received = correlate(server, messageName="document", resultEnabled=True, variablesInResultEnabled=True)
    assert schemas.check(received, "/message")[0]["variables"]["case"]["value"] == "C-1"
    schemas.check(correlate(server, messageName="order_received"), "/message")
    schemas.check(correlate(server, messageName="nobody_listens"), "/message")
