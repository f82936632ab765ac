"""Issue 12, fault 4: a call activity passes only what `camunda:in` / `camunda:out` map.

Before: with `camunda:in source="applicant" target="person"` and `camunda:out source="child_out"
target="result"` the child saw every parent variable and no `person`; the parent got every child
variable and no `result`. Camunda 7 (user guide, "Call Activity", "Passing Variables"): without a
mapping the child starts with no variables and the parent gets none back; `variables="all"` passes
all; `sourceExpression` is evaluated on the source side.
"""

from __future__ import annotations

from .running import complete, deploy, get, open_tasks, start

CHILD = """<bpmn:startEvent id="Start_Child" />
    <bpmn:userTask id="Task_Child" name="子流程办理" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_Child" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Child" targetRef="Task_Child" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Child" targetRef="End_Child" />"""


def _parent(mappings: str) -> str:
    return f"""<bpmn:startEvent id="Start_1" />
    <bpmn:callActivity id="Call_Child" name="调用子流程" calledElement="mapped_child">
      <bpmn:extensionElements>{mappings}</bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:userTask id="Task_After" name="之后" camunda:candidateGroups="city_clerk" />
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Call_Child" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Call_Child" targetRef="Task_After" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_After" targetRef="End_1" />"""


STARTED = {"applicant": {"value": "Li Lei", "type": "String"}, "secret": {"value": "x", "type": "String"}}
ANSWER = {"child_out": {"value": "approved", "type": "String"},
          "child_note": {"value": "internal", "type": "String"}}


def _values(server, path: str) -> dict:
    return {name: typed["value"] for name, typed in get(server, path).items()}


def _run_child(server, parent_key: str) -> tuple[str, dict, dict]:
    """Start the parent, read the child's task variables, complete it; returns (instance, the
    child task's variables, the parent instance's variables after the call activity)."""
    instance = start(server, parent_key, STARTED)
    (child_task,) = open_tasks(server, instance)
    assert child_task["taskDefinitionKey"] == "Task_Child"
    seen = _values(server, f"/task/{child_task['id']}/variables")
    assert complete(server, child_task["id"], ANSWER).status_code == 204
    (after,) = open_tasks(server, instance)
    assert after["taskDefinitionKey"] == "Task_After"
    assert _values(server, f"/task/{after['id']}/variables") == _values(
        server, f"/process-instance/{instance}/variables")
    return instance, seen, _values(server, f"/process-instance/{instance}/variables")


def test_in_and_out_map_only_the_named_variables(server):
    deploy(server, "mapped_child", CHILD)
    deploy(server, "mapped_parent", _parent(
        '<camunda:in source="applicant" target="person" />'
        '<camunda:in sourceExpression="${applicant.upper()}" target="shout" />'
        '<camunda:in businessKey="#{execution.processBusinessKey}" />'
        '<camunda:out source="child_out" target="result" />'))
    _, seen, parent = _run_child(server, "mapped_parent")
    assert seen == {"person": "Li Lei", "shout": "LI LEI"}
    assert parent == {"applicant": "Li Lei", "secret": "x", "result": "approved"}


def test_without_mappings_nothing_passes_either_way(server):
    deploy(server, "mapped_child", CHILD)
    deploy(server, "unmapped_parent", _parent(""))
    _, seen, parent = _run_child(server, "unmapped_parent")
    assert seen == {}
    assert parent == {"applicant": "Li Lei", "secret": "x"}


def test_variables_all_passes_everything_both_ways(server):
    deploy(server, "mapped_child", CHILD)
    deploy(server, "all_parent", _parent('<camunda:in variables="all" /><camunda:out variables="all" />'))
    _, seen, parent = _run_child(server, "all_parent")
    assert seen == {"applicant": "Li Lei", "secret": "x"}
    assert parent == {"applicant": "Li Lei", "secret": "x", "child_out": "approved", "child_note": "internal"}


def test_a_mapping_without_target_is_refused_at_deploy(server):
    from tests.support.drawn import drawn

    from .walk import modeler_upload

    deploy(server, "mapped_child", CHILD)
    body = _parent('<camunda:in source="applicant" />')
    upload = modeler_upload({"bad_parent.bpmn": drawn("bad_parent", body)}, name="bad")
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 400
    assert "Call_Child" in response.text and "target" in response.text


CHILD_V2 = CHILD.replace("Task_Child", "Task_Child_V2").replace("子流程办理", "子流程办理（第二版）")
ALL = '<camunda:in variables="all" /><camunda:out variables="all" />'


def _first_task(server, instance: str) -> str:
    (task,) = open_tasks(server, instance)
    return task["taskDefinitionKey"]


def _finish(server, instance: str) -> None:
    """Complete every open task until the instance ends (checks a restored instance still runs)."""
    for _ in range(5):
        tasks = open_tasks(server, instance)
        if not tasks:
            break
        for task in tasks:
            assert complete(server, task["id"]).status_code == 204
    (ended,) = get(server, f"/history/process-instance?processInstanceId={instance}")
    assert ended["state"] == "COMPLETED"


def test_binding_latest_calls_the_newest_child_version_from_new_instances(server):
    deploy(server, "mapped_child", CHILD)
    deploy(server, "latest_parent", _parent(ALL))
    before = start(server, "latest_parent", STARTED)
    assert _first_task(server, before) == "Task_Child"
    deploy(server, "mapped_child", CHILD_V2)
    after = start(server, "latest_parent", STARTED)
    assert _first_task(server, after) == "Task_Child_V2"
    again = start(server, "latest_parent", STARTED)  # the composed spec is reused
    assert _first_task(server, again) == "Task_Child_V2"
    for instance in (before, after, again):
        _finish(server, instance)


def _bound(binding: str) -> str:
    return _parent(ALL).replace('calledElement="mapped_child"', f'calledElement="mapped_child" {binding}')


def test_binding_version_keeps_the_numbered_child_version(server):
    deploy(server, "mapped_child", CHILD)
    deploy(server, "mapped_child", CHILD_V2)
    deploy(server, "pinned_parent", _bound('camunda:calledElementBinding="version" '
                                           'camunda:calledElementVersion="1"'))
    instance = start(server, "pinned_parent", STARTED)
    assert _first_task(server, instance) == "Task_Child"
    _finish(server, instance)


def _refused(server, key: str, body: str) -> str:
    from tests.support.drawn import drawn

    from .walk import modeler_upload

    upload = modeler_upload({f"{key}.bpmn": drawn(key, body)}, name=key)
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 400, response.text
    return response.text


def test_bindings_that_cannot_resolve_are_refused_at_deploy(server):
    deploy(server, "mapped_child", CHILD)
    text = _refused(server, "p_version", _bound('camunda:calledElementBinding="version" '
                                                'camunda:calledElementVersion="9"'))
    assert "Call_Child" in text and "version 9" in text
    text = _refused(server, "p_deployment", _bound('camunda:calledElementBinding="deployment"'))
    assert "Call_Child" in text and "not in this deployment" in text
    text = _refused(server, "p_tag", _bound('camunda:calledElementBinding="versionTag"'))
    assert "Call_Child" in text and "versionTag" in text


def test_binding_latest_leaves_the_version_deployed_with_the_caller(server):
    """Deployed together, then the child alone: new callers run the newest child; binding
    `deployment` keeps the one deployed with the caller."""
    from tests.support.drawn import drawn

    from .walk import modeler_upload

    files = {"mapped_child.bpmn": drawn("mapped_child", CHILD),
             "together_latest.bpmn": drawn("together_latest", _parent(ALL)),
             "together_pinned.bpmn": drawn("together_pinned",
                                           _bound('camunda:calledElementBinding="deployment"'))}
    upload = modeler_upload(files, name="together")
    assert server.client("owner").rest("POST", "/deployment/create", **upload).status_code == 200
    deploy(server, "mapped_child", CHILD_V2)
    latest = start(server, "together_latest", STARTED)
    pinned = start(server, "together_pinned", STARTED)
    assert _first_task(server, latest) == "Task_Child_V2"
    assert _first_task(server, pinned) == "Task_Child"
    _finish(server, latest)
    _finish(server, pinned)
