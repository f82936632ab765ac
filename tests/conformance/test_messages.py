"""Issue 12, fault 10 on the engine: message start events, intermediate message catch events, message
boundary events (interrupting and not), an event-based gateway with a message and a timer, and receive
tasks, run as Camunda 7 runs them. After every step: the variables, the open user tasks and what waits
for a message (the instance's message subscriptions).

Before: a message start event left the instance waiting for ever when started normally; every caught
message added a `<element>_Response` variable Camunda does not have; a non-interrupting message boundary
event fired once only; a receive task could not even be deployed (its message definition did not
serialize); message throw events and message names given as expressions deployed and ran differently.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.drawn import drawn
from tests.support.message_diagrams import doc
from workflows.engine import Engine
from workflows.errors import DiagramInvalid, NotWaitingForMessage

from .conftest import NOW, complete, start


def _compile(engine: Engine, key: str):
    return engine.compile({f"{key}.bpmn": doc(key)})[key]


def _tasks(instance) -> list[str]:
    return sorted(t.element_id for t in instance.user_tasks())


def _waiting(instance) -> list[tuple[str, str]]:
    return sorted((s.element_id, s.message_name) for s in instance.message_subscriptions())


def test_a_message_start_event_starts_on_its_message_or_at_once_when_started_by_key(engine: Engine) -> None:
    process = _compile(engine, "msg_start")
    instance = start(engine, process, {})
    assert _waiting(instance) == [("Start_Order", "order_received")] and _tasks(instance) == []
    instance.send_message("order_received", {"order": 7}, {}, NOW)
    assert instance.variables == {"order": 7}
    assert _tasks(instance) == ["Task_Handle"] and _waiting(instance) == []
    by_key = engine.start(process.spec_json, cache_key="conformance:msg_start", variables={"a": 1}, now=NOW)
    by_key.begin({}, NOW)  # startProcessInstanceByKey on a process whose only start is a message start
    assert _tasks(by_key) == ["Task_Handle"] and by_key.variables == {"a": 1} and _waiting(by_key) == []


def test_an_intermediate_catch_event_sets_the_correlation_variables(engine: Engine) -> None:
    instance = start(engine, _compile(engine, "msg_catch"), {})
    assert _tasks(instance) == ["Task_Prepare"] and _waiting(instance) == []
    with pytest.raises(NotWaitingForMessage):
        instance.send_message("payment", {"amount": 1}, {}, NOW)
    complete(instance, "Task_Prepare", {"prepared": True})
    assert _tasks(instance) == [] and _waiting(instance) == [("Catch_Paid", "payment")]
    assert instance.variables == {"prepared": True}
    instance.send_message("payment", {"amount": 12}, {}, NOW)
    assert instance.variables == {"prepared": True, "amount": 12, "paid_note": "paid 12"}
    assert _tasks(instance) == ["Task_Ship"] and _waiting(instance) == []
    complete(instance, "Task_Ship", {})
    assert instance.completed and instance.end_element_id == "End_1"


def test_a_non_interrupting_boundary_event_fires_on_every_message(engine: Engine) -> None:
    instance = start(engine, _compile(engine, "msg_boundary"), {})
    assert _tasks(instance) == ["Task_Review"]
    assert _waiting(instance) == [("Boundary_Note", "note"), ("Boundary_Withdraw", "withdraw")]
    instance.send_message("note", {"note": "a"}, {}, NOW)
    assert _tasks(instance) == ["Task_ReadNote", "Task_Review"] and instance.variables == {"note": "a"}
    instance.send_message("note", {"note": "b"}, {}, NOW)
    assert _tasks(instance) == ["Task_ReadNote", "Task_ReadNote", "Task_Review"]
    assert instance.variables == {"note": "b"}
    assert _waiting(instance) == [("Boundary_Note", "note"), ("Boundary_Withdraw", "withdraw")]
    complete(instance, "Task_Review", {"verdict": "ok"})  # the boundary subscriptions end with the task
    assert _waiting(instance) == [] and _tasks(instance) == ["Task_ReadNote", "Task_ReadNote"]
    with pytest.raises(NotWaitingForMessage):
        instance.send_message("note", {}, {}, NOW)
    for task in instance.user_tasks():  # the note paths go on after the task ended
        instance.complete_task(task.task_id, {}, {}, NOW)
    assert instance.completed and instance.variables == {"note": "b", "verdict": "ok"}


def test_an_interrupting_boundary_event_cancels_the_task(engine: Engine) -> None:
    instance = start(engine, _compile(engine, "msg_boundary"), {})
    instance.send_message("note", {"note": "a"}, {}, NOW)
    instance.send_message("withdraw", {"reason": "duplicate"}, {}, NOW)
    assert _tasks(instance) == ["Task_Archive", "Task_ReadNote"]  # the note path is not in the task
    assert _waiting(instance) == [] and instance.variables == {"note": "a", "reason": "duplicate"}
    complete(instance, "Task_Archive", {})
    complete(instance, "Task_ReadNote", {})
    assert instance.completed and instance.end_element_id in ("End_Withdrawn", "End_Note")


def test_an_event_based_gateway_takes_the_message_when_it_comes_first(engine: Engine) -> None:
    instance = start(engine, _compile(engine, "msg_gateway"), {})
    assert _waiting(instance) == [("Gateway_Wait", "answer")]
    assert [t.due_at for t in instance.timers()] == [NOW + timedelta(hours=1)]
    instance.send_message("answer", {"answer": "yes"}, {}, NOW + timedelta(minutes=30))
    assert _tasks(instance) == ["Task_Answered"] and instance.timers() == [] and _waiting(instance) == []
    assert instance.variables == {"answer": "yes"}
    instance.fire_due_timers({}, NOW + timedelta(hours=2))
    assert _tasks(instance) == ["Task_Answered"]


def test_an_event_based_gateway_takes_the_timer_when_it_comes_first(engine: Engine) -> None:
    instance = start(engine, _compile(engine, "msg_gateway"), {})
    instance.fire_due_timers({}, NOW + timedelta(hours=1, seconds=1))
    assert _tasks(instance) == ["Task_Remind"] and _waiting(instance) == [] and instance.timers() == []
    with pytest.raises(NotWaitingForMessage):
        instance.send_message("answer", {"answer": "late"}, {}, NOW + timedelta(hours=2))
    assert instance.variables == {}


def test_a_receive_task_waits_for_its_message(engine: Engine) -> None:
    process = _compile(engine, "msg_receive")
    instance = start(engine, process, {"case": "C-1"})
    assert _tasks(instance) == [] and _waiting(instance) == [("Receive_Document", "document")]
    restored = engine.restore(process.spec_json, cache_key="conformance:msg_receive",
                              state_json=instance.serialize())
    restored.send_message("document", {"pages": 3}, {}, NOW)
    assert _tasks(restored) == ["Task_Check"] and restored.variables == {"case": "C-1", "pages": 3}


CALLER = """<bpmn:startEvent id="Start_P" />
    <bpmn:callActivity id="Call_Order" calledElement="msg_start">
      <bpmn:extensionElements><camunda:in source="order" target="order" /></bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:endEvent id="End_P" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_P" targetRef="Call_Order" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Call_Order" targetRef="End_P" />"""


def test_a_called_process_whose_only_start_is_a_message_start_runs_from_it(engine: Engine) -> None:
    """Camunda starts a called process from its lone message start event; it does not wait there."""
    process = engine.compile({"caller.bpmn": drawn("caller", CALLER)},
                             library={"msg_start.bpmn": doc("msg_start")})["caller"]
    instance = start(engine, process, {"order": 5})
    [task] = instance.user_tasks()
    assert task.element_id == "Task_Handle" and task.called_scope == {"order": 5}
    assert _waiting(instance) == []
    instance.complete_task(task.task_id, {}, {}, NOW)
    assert instance.completed and instance.end_element_id == "End_P"


REFUSED = {
    "a message throw event": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:intermediateThrowEvent id="Throw_Note">
    <bpmn:messageEventDefinition id="MED_1" messageRef="Message_A" />
    </bpmn:intermediateThrowEvent><bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Throw_Note" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Throw_Note" targetRef="End_1" />""", {"Message_A": "a"},
                              "Throw_Note", "message throw events are not supported"),
    "a send task with a message": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:sendTask id="Send_Note" messageRef="Message_A" /><bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Send_Note" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Send_Note" targetRef="End_1" />""", {"Message_A": "a"},
                                   "Send_Note", "message throw events are not supported"),
    "a message name given as an expression": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:intermediateCatchEvent id="Catch_A">
    <bpmn:messageEventDefinition id="MED_1" messageRef="Message_A" />
    </bpmn:intermediateCatchEvent><bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Catch_A" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Catch_A" targetRef="End_1" />""", {"Message_A": "${name}"},
                                              "Catch_A", "must be a literal"),
    "a message name too long to store": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:intermediateCatchEvent id="Catch_A">
    <bpmn:messageEventDefinition id="MED_1" messageRef="Message_A" />
    </bpmn:intermediateCatchEvent><bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Catch_A" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Catch_A" targetRef="End_1" />""", {"Message_A": "m" * 256},
                                         "Catch_A", "longer than 255 characters"),
    "a catch event without a message": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:intermediateCatchEvent id="Catch_A" name="等"><bpmn:messageEventDefinition id="MED_1" />
    </bpmn:intermediateCatchEvent><bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Catch_A" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Catch_A" targetRef="End_1" />""", {},
                                        "Catch_A", "must reference a bpmn:message"),
    "a receive task without a message": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:receiveTask id="Receive_A" /><bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Receive_A" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Receive_A" targetRef="End_1" />""", {},
                                         "Receive_A", "must reference a bpmn:message"),
    "a message start event beside a none start event": ("""<bpmn:startEvent id="Start_None" />
    <bpmn:startEvent id="Start_Msg"><bpmn:messageEventDefinition id="MED_1" messageRef="Message_A" />
    </bpmn:startEvent><bpmn:userTask id="Task_A" {user} /><bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_None" targetRef="Task_A" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Start_Msg" targetRef="Task_A" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_A" targetRef="End_1" />""", {"Message_A": "a"},
                                                        "Start_Msg", "no other start event"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_cannot_run_as_in_camunda_is_refused_at_deploy_naming_the_element(
        engine: Engine, case: str) -> None:
    body, declared, element, reason = REFUSED[case]
    body = body.replace("{user}", 'camunda:candidateGroups="city_clerk"')
    content = drawn("refused", body, messages=declared)
    with pytest.raises(DiagramInvalid) as raised:
        engine.compile({"refused.bpmn": content})
    problems = [p for p in raised.value.problems if p.element_id == element]
    assert problems and reason in problems[0].message, raised.value.problems
