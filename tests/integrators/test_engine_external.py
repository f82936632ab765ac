"""The engine leaves a service task whose topic no handler serves to an external worker (Camunda's
external task pattern), and lets the worker complete it or throw a BPMN error its boundary event catches."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from workflows.engine import Engine
from workflows.errors import ErrorNotCaught, TaskNotReady

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DIAGRAM = (Path(__file__).parent / "credit_check.bpmn").read_bytes()


@pytest.fixture
def started():
    engine = Engine()
    compiled = engine.compile({"credit_check.bpmn": DIAGRAM})["credit_check"]
    instance = engine.start(compiled.spec_json, cache_key="credit", variables={"amount": 5}, now=NOW)
    instance.advance({}, NOW)  # before issue 16: ScriptFailed "no handler for topic"
    restored = engine.restore(compiled.spec_json, cache_key="credit", state_json=instance.serialize())
    return restored


def test_an_unserved_topic_waits_for_a_worker(started):
    [task] = started.external_tasks({})
    assert (task.element_id, task.topic, task.priority) == ("Task_Check", "creditCheck", 7)
    assert not started.completed and started.user_tasks() == []


def test_a_served_topic_is_not_external(started):
    assert started.external_tasks({"creditCheck": lambda call: None}) == []


def test_completing_moves_the_instance_on_with_the_variables(started):
    [task] = started.external_tasks({})
    started.complete_external_task(task.task_id, {"score": 700}, {}, NOW)
    assert [t.element_id for t in started.user_tasks()] == ["Task_Review"]
    assert started.variables["score"] == 700 and started.external_tasks({}) == []
    with pytest.raises(TaskNotReady):
        started.complete_external_task(task.task_id, {}, {}, NOW)


def test_a_bpmn_error_is_caught_by_the_boundary_event(started):
    [task] = started.external_tasks({})
    started.throw_bpmn_error(task.task_id, "NO_CREDIT", "no credit", {"reason": "debt"}, {}, NOW)
    assert started.completed and started.end_element_id == "End_Refused"
    assert started.variables["reason"] == "debt"


def test_an_uncaught_bpmn_error_ends_the_path_as_camunda_does(started):
    """Camunda 7.21, enableExceptionsAfterUnhandledBpmnError=false (its default): the unhandled error is
    logged and the execution ends (BpmnExceptionHandler.propagateError -> execution.end(true)); before,
    this engine refused the error and nothing changed."""
    [task] = started.external_tasks({})
    started.throw_bpmn_error(task.task_id, "OTHER", None, {"reason": "unmodelled"}, {}, NOW)
    assert started.completed and not started.cancelled
    assert started.end_element_id is None  # no end event reached: the path simply ended
    assert started.variables["reason"] == "unmodelled"
    assert started.external_tasks({}) == [] and started.user_tasks() == []
    with pytest.raises(TaskNotReady):
        started.throw_bpmn_error(task.task_id, "OTHER", None, {}, {}, NOW)


def test_an_error_camunda_would_propagate_further_is_still_refused(started, monkeypatch):
    [task] = started.external_tasks({})
    monkeypatch.setattr(type(started), "_error_caught_elsewhere", lambda self, t: True)
    with pytest.raises(ErrorNotCaught):
        started.throw_bpmn_error(task.task_id, "OTHER", None, {}, {}, NOW)
    assert [t.element_id for t in started.external_tasks({})] == ["Task_Check"]


def test_local_variables_end_with_the_task(started):
    """Camunda: `localVariables` on complete live in the external task's own scope; without an output
    mapping they are gone once it completes (before: accepted and dropped, output mappings never ran)."""
    [task] = started.external_tasks({})
    started.complete_external_task(task.task_id, {"score": 700}, {}, NOW, {"raw": {"bureau": "A"}})
    assert started.variables["score"] == 700 and "raw" not in started.variables
