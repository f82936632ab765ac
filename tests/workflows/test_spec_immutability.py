"""Issue 11, fault 1 at the engine level: multi-instance state never lives on the shared spec.

The service-level reproduction (two processes, restarts, every bundled multi-instance, both databases)
is tests/service/test_spec_sharing.py; these check the mechanism quickly, without a database.
"""

from __future__ import annotations

import pytest

from workflows import serializer
from workflows.engine import Engine
from workflows.errors import ScriptFailed
from workflows.multiinstance import ParallelMultiInstanceTask, SequentialMultiInstanceTask

from .conftest import NOW, read

MEMBERS = [{"credit_code": "A"}, {"credit_code": "B"}, {"credit_code": "C"}]
MI = ('<bpmn:multiInstanceLoopCharacteristics camunda:collection="invited_members" '
      'camunda:elementVariable="member" />')


def _compile(engine: Engine, loop: str, key: str) -> str:
    text = read("mi.bpmn").decode().replace(MI, loop).replace('id="mi_demo"', f'id="{key}"')
    return engine.compile({f"{key}.bpmn": text.encode()})[key].spec_json


@pytest.fixture(params=["parallel", "sequential"])
def mi_spec(request, engine: Engine) -> tuple[str, str]:
    loop = MI if request.param == "parallel" else MI.replace(" camunda:", ' isSequential="true" camunda:', 1)
    key = f"mi_{request.param}"
    return key, _compile(engine, loop, key)


def test_collection_is_updated_in_place_after_every_restore_in_a_fresh_process(engine, mi_spec, monkeypatch):
    key, spec_json = mi_spec
    monkeypatch.setattr(serializer, "SPEC_CACHE", serializer._SpecCache(0))  # a new process per command
    instance = engine.start(spec_json, cache_key=key, variables={"invited_members": MEMBERS}, now=NOW)
    instance.advance({}, NOW)
    state = instance.serialize()
    for _ in MEMBERS:
        instance = engine.restore(spec_json, cache_key=key, state_json=state)
        instance.complete_task(instance.user_tasks()[0].task_id, {"decision": "confirm"}, {}, NOW)
        state = instance.serialize()
    assert instance.variables["invited_members"] == [{**m, "decision": "confirm"} for m in MEMBERS]
    assert instance.end_element_id == "End_All"


def test_running_a_multi_instance_leaves_the_cached_spec_as_deployed(engine, mi_spec, monkeypatch):
    key, spec_json = mi_spec
    monkeypatch.setattr(serializer, "SPEC_CACHE", serializer._SpecCache(4))
    cached = serializer.specs(spec_json, key)
    mi = cached[0].task_specs["Task_Confirm"]
    assert isinstance(mi, ParallelMultiInstanceTask | SequentialMultiInstanceTask)
    instance = engine.start(spec_json, cache_key=key, variables={"invited_members": MEMBERS}, now=NOW)
    instance.advance({}, NOW)
    for _ in MEMBERS:
        instance.complete_task(instance.user_tasks()[0].task_id, {"decision": "decline"}, {}, NOW)
    assert instance.end_element_id == "End_Some"
    assert serializer.specs(spec_json, key)[0] is cached[0]
    assert serializer.dump_spec(*cached) == spec_json


def test_a_cardinality_that_is_no_count_is_refused_without_touching_the_spec(engine, monkeypatch):
    """SpiffWorkflow turned such a spec into a collection MI for every later instance; ours refuses."""
    loop = ('<bpmn:multiInstanceLoopCharacteristics camunda:elementVariable="member">'
            '<bpmn:loopCardinality>invited_members</bpmn:loopCardinality>'
            '</bpmn:multiInstanceLoopCharacteristics>')
    text = read("mi.bpmn").decode().replace(MI, loop)
    # the linter refuses loopCardinality, so build the spec the way a stored (older) one would be
    from workflows.parser import ConsortiumParser

    parser = ConsortiumParser()
    parser.add_bpmn_str(text.encode(), "card.bpmn")
    spec_json = serializer.dump_spec(parser.get_spec("mi_demo"), {})
    monkeypatch.setattr(serializer, "SPEC_CACHE", serializer._SpecCache(4))
    instance = engine.start(spec_json, cache_key="card", variables={"invited_members": MEMBERS}, now=NOW)
    with pytest.raises(ScriptFailed, match="loopCardinality"):
        instance.advance({}, NOW)
    assert serializer.dump_spec(*serializer.specs(spec_json, "card")) == spec_json


EVENT_SUBPROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_E"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:signal id="Signal_Stop" name="stop" />
  <bpmn:process id="evsub" isExecutable="true">
    <bpmn:startEvent id="Start_E" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_E" targetRef="Throw_Stop" />
    <bpmn:intermediateThrowEvent id="Throw_Stop">
      <bpmn:signalEventDefinition signalRef="Signal_Stop" />
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Throw_Stop" targetRef="End_E" />
    <bpmn:endEvent id="End_E" />
    <bpmn:subProcess id="Sub_OnStop" triggeredByEvent="true">
      <bpmn:startEvent id="Start_Stop" isInterrupting="false">
        <bpmn:signalEventDefinition signalRef="Signal_Stop" />
      </bpmn:startEvent>
      <bpmn:sequenceFlow id="Flow_s1" sourceRef="Start_Stop" targetRef="End_Stop" />
      <bpmn:endEvent id="End_Stop" />
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>
"""


def test_an_event_sub_process_that_would_rewire_the_shared_spec_is_refused(engine) -> None:
    """SpiffWorkflow wires such a sub-process into the process spec when its event first arrives
    (`BpmnStartTask.trigger_wf`): the same kind of run-time write onto a shared spec."""
    from workflows.errors import DiagramInvalid

    with pytest.raises(DiagramInvalid) as refused:
        engine.compile({"evsub.bpmn": EVENT_SUBPROCESS.encode()})
    [problem] = [p for p in refused.value.problems if p.element_id == "Start_Stop"]
    assert "signalEventDefinition" in problem.message  # (the signal throw event is refused too)
