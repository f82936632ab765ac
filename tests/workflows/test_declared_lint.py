"""Deploy-time refusals of declared behaviour (issue 19): what the registry does not know, and the
Camunda idioms that need a Java runtime, are refused naming the element, line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.engine import Engine
from workflows.errors import DiagramInvalid, DiagramProblem
from workflows.extensions import Extensions

LEAVE = (Path(__file__).resolve().parents[1] / "generic" / "leave_request.bpmn").read_text()
LISTENER = '<camunda:taskListener delegateExpression="${leaveTaskListener}" event="create" />'


@pytest.fixture
def registered() -> Engine:
    extensions = Extensions()
    extensions.register_execution_listener("leaveAudit", lambda c: None)
    extensions.register_task_listener("leaveTaskListener", lambda c: None)
    extensions.register_delegate("recordLeave", lambda c: None)
    return Engine(extensions=extensions)


def refused(engine: Engine, old: str, new: str) -> tuple[list[DiagramProblem], int]:
    assert LEAVE.count(old) == 1, old
    text = LEAVE.replace(old, new)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if new.splitlines()[0] in row)
    with pytest.raises(DiagramInvalid) as caught:
        engine.compile({"leave.bpmn": text.encode()})
    return caught.value.problems, line


def test_the_leave_request_compiles_when_every_name_is_registered(registered):
    compiled = registered.compile({"leave.bpmn": LEAVE.encode()})
    assert set(compiled) == {"leave_request"}


def test_without_a_registry_every_name_is_unknown():
    with pytest.raises(DiagramInvalid) as caught:
        Engine().compile({"leave.bpmn": LEAVE.encode()})
    unknown = {(p.element_id, p.message.split("named ")[-1].split(" ")[0]) for p in caught.value.problems}
    assert unknown == {("leave_request", "'leaveAudit'"), ("Task_Approve", "'leaveAudit'"),
                       ("Task_Approve", "'leaveTaskListener'"), ("Task_Record", "'recordLeave'")}
    assert all(p.file == "leave.bpmn" and p.line for p in caught.value.problems)


@pytest.mark.parametrize(("new", "element", "words"), [
    ('<camunda:taskListener class="org.example.Audit" event="create" />', "Task_Approve", "class"),
    ('<camunda:taskListener expression="${audit.log(task)}" event="create" />', "Task_Approve", "expression"),
    ('<camunda:taskListener delegateExpression="${audit.bean}" event="create" />', "Task_Approve",
     "only a registered name"),
    ('<camunda:taskListener delegateExpression="${leaveTaskListener}" event="timeout" />', "Task_Approve",
     "timeout"),
    ('<camunda:taskListener event="create"><camunda:script scriptFormat="groovy">x</camunda:script>'
     '</camunda:taskListener>', "Task_Approve", "script"),
    ('<camunda:taskListener delegateExpression="${unknownBean}" event="create" />', "Task_Approve",
     "'unknownBean'"),
])
def test_unsupported_task_listeners_are_refused(registered, new, element, words):
    problems, line = refused(registered, LISTENER, new)
    assert [(p.element_id, p.line) for p in problems] == [(element, line)]
    assert words in problems[0].message


def test_a_service_task_with_a_class_or_a_method_call_is_refused(registered):
    old = 'camunda:delegateExpression="${recordLeave}"'
    problems, line = refused(registered, old, 'camunda:class="org.example.RecordLeave"')
    assert [(p.element_id, p.line) for p in problems] == [("Task_Record", line)]
    assert "camunda:class" in problems[0].message
    problems, _ = refused(registered, old, 'camunda:expression="${leaveService.record(execution)}"')
    assert [p.element_id for p in problems] == ["Task_Record"] and "Java" in problems[0].message


def test_a_plain_expression_name_is_a_delegate_too(registered):
    text = LEAVE.replace('camunda:delegateExpression="${recordLeave}"', 'camunda:expression="${recordLeave}"')
    assert "leave_request" in registered.compile({"leave.bpmn": text.encode()})


def test_listeners_on_a_sequence_flow_and_task_listeners_off_user_tasks_are_refused(registered):
    take = ('<bpmn:sequenceFlow id="Flow_ToCoolDown" sourceRef="Task_Record" targetRef="Timer_CoolDown">'
            '<bpmn:extensionElements><camunda:executionListener delegateExpression="${leaveAudit}" '
            'event="take" /></bpmn:extensionElements></bpmn:sequenceFlow>')
    flow = '<bpmn:sequenceFlow id="Flow_ToCoolDown" sourceRef="Task_Record" targetRef="Timer_CoolDown" />'
    problems, _ = refused(registered, flow, take)
    assert [p.element_id for p in problems] == ["Flow_ToCoolDown"] and "take" in problems[0].message
    on_service = ('<bpmn:serviceTask id="Task_Record" name="Record leave" camunda:delegateExpression='
                  '"${recordLeave}"><bpmn:extensionElements><camunda:taskListener delegateExpression='
                  '"${leaveTaskListener}" event="create" /></bpmn:extensionElements>')
    problems, _ = refused(
        registered, '<bpmn:serviceTask id="Task_Record" name="Record leave" '
                    'camunda:delegateExpression="${recordLeave}">', on_service)
    assert [p.element_id for p in problems] == ["Task_Record"] and "user tasks" in problems[0].message


def test_the_registry_refuses_bad_and_duplicate_names_and_lists_what_it_holds():
    extensions = Extensions()

    def audit(context):
        return None

    extensions.register_execution_listener("leaveAudit", audit)
    extensions.register_execution_listener("leaveAudit", audit)  # the same callable again: harmless
    with pytest.raises(ValueError, match="already registered"):
        extensions.register_execution_listener("leaveAudit", lambda c: None)
    with pytest.raises(ValueError, match="identifier"):
        extensions.register_delegate("record leave", audit)
    assert [(i["kind"], i["name"]) for i in extensions.listing()] == [("executionListener", "leaveAudit")]
    assert extensions.names()["executionListener"] == {"leaveAudit"}
