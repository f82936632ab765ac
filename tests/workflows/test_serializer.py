"""Serialization pitfalls (ServiceTask converter, date/Decimal) and the spec split with its cache."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG

from workflows import serializer
from workflows.engine import CompiledProcess, Engine
from workflows.parser import ConsortiumParser

from .conftest import NOW, read


def _service_workflow() -> BpmnWorkflow:
    parser = ConsortiumParser()
    parser.add_bpmn_str(read("extensions.bpmn"), "extensions.bpmn")
    return BpmnWorkflow(parser.get_spec("ext_demo"), {})


def test_stock_camunda_config_cannot_serialize_a_service_task() -> None:
    """The pitfall (SPIFF-NOTES §4.1) that `serializer` fixes; if upstream fixes it, this fails."""
    stock = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(dict(CAMUNDA_CONFIG)))
    with pytest.raises(TypeError):
        stock.serialize_json(_service_workflow())


def test_service_task_round_trips() -> None:
    wf = _service_workflow()
    spec_json = serializer.dump_spec(wf.spec, wf.subprocess_specs)
    restored = serializer.load(spec_json, serializer.dump_state(wf))
    ext = restored.spec.task_specs["Service_Notify"].extensions
    assert ext["camunda:topic"] == "notify"
    assert ext["camunda:inputOutput"]["inputs"]["status"] == "approved"


def test_state_has_no_spec_and_restores(engine: Engine, compiled: dict[str, CompiledProcess]) -> None:
    process = compiled["walk_demo"]
    variables = {"lead_credit_code": "L1"}
    instance = engine.start(process.spec_json, cache_key="split", variables=variables, now=NOW)
    instance.advance({}, NOW)
    state = instance.serialize()
    as_dict = json.loads(state)
    assert "spec" not in as_dict and "subprocess_specs" not in as_dict
    assert "task_specs" not in state and "camunda:formKey" not in state and "invite_members" not in state
    assert len(state) < len(process.spec_json)
    restored = engine.restore(process.spec_json, cache_key="split", state_json=state)
    assert [t.element_id for t in restored.user_tasks()] == ["Task_Invite"]
    assert restored.serialize() == state


def test_restore_reuses_the_cached_spec(engine: Engine, compiled: dict[str, CompiledProcess]) -> None:
    process = compiled["mi_demo"]
    state = engine.start(process.spec_json, cache_key="cached-mi", variables={}, now=NOW).serialize()
    misses = serializer.SPEC_CACHE.misses
    first = engine.restore(process.spec_json, cache_key="cached-mi", state_json=state)
    second = engine.restore(process.spec_json, cache_key="cached-mi", state_json=state)
    assert serializer.SPEC_CACHE.misses == misses
    assert first.workflow.spec is second.workflow.spec
    assert first.workflow is not second.workflow


def test_date_and_decimal_in_task_data_round_trip(
    engine: Engine, compiled: dict[str, CompiledProcess]
) -> None:
    process = compiled["mi_demo"]
    data = {"when": date(2026, 3, 2), "amount": Decimal("12.50"), "invited_members": []}
    instance = engine.start(process.spec_json, cache_key="types", variables=data, now=NOW)
    restored = engine.restore(process.spec_json, cache_key="types", state_json=instance.serialize())
    assert restored.workflow.task_tree.data["when"] == date(2026, 3, 2)
    assert restored.workflow.task_tree.data["amount"] == Decimal("12.50")
    assert restored.variables["when"] == "2026-03-02"  # leaves the engine JSON-safe


def test_instances_sharing_a_cached_spec_stay_independent(
    engine: Engine, compiled: dict[str, CompiledProcess]
) -> None:
    process = compiled["mi_demo"]
    states = {}
    members = {"one": [{"credit_code": "A"}], "two": [{"credit_code": "X"}, {"credit_code": "Y"}]}
    for name in ("one", "two"):
        variables = {"invited_members": members[name]}
        instance = engine.start(process.spec_json, cache_key="shared", variables=variables, now=NOW)
        instance.advance({}, NOW)
        states[name] = instance.serialize()
    for _round in range(2):
        for name, decision in (("one", "decline"), ("two", "confirm")):
            instance = engine.restore(process.spec_json, cache_key="shared", state_json=states[name])
            ready = instance.user_tasks()
            if ready:
                instance.complete_task(ready[0].task_id, {"decision": decision}, {}, NOW)
            states[name] = instance.serialize()
    one = engine.restore(process.spec_json, cache_key="shared", state_json=states["one"])
    two = engine.restore(process.spec_json, cache_key="shared", state_json=states["two"])
    assert (one.end_element_id, two.end_element_id) == ("End_Some", "End_All")
    assert [m["decision"] for m in two.variables["invited_members"]] == ["confirm", "confirm"]
