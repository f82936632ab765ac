"""hbreak fault 1: an element's `camunda:asyncBefore` / `asyncAfter` (and its listeners) belong to its own
diagram. Deploying compiles the new diagram beside every deployed one (call activities may reference
them); before the fix a flag was looked up by element id over all of those files, so a diagram reusing
an element id of an asynchronous one became asynchronous there too.
"""

from __future__ import annotations

from tests.support.drawn import chain, drawn

from .running import deploy, get, start_response
from .walk import modeler_upload

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'


def script(attributes: str = "", source: str = "y = 10 // divisor") -> str:
    return (f'<bpmn:scriptTask id="Script_Q" name="计算" scriptFormat="python" {attributes}>'
            f"<bpmn:script>{source}</bpmn:script></bpmn:scriptTask>")


ASYNC = chain(START, script('camunda:asyncBefore="true"'), AFTER, END)
PLAIN = chain(START, script(), AFTER, END)
ZERO = {"divisor": {"value": 0, "type": "Integer"}}


def _synchronous(server, key: str) -> None:
    response = start_response(server, key, ZERO)
    assert response.status_code == 400, response.text
    assert "Script_Q" in response.json()["message"]


def _asynchronous(server, key: str) -> None:
    response = start_response(server, key, ZERO)
    assert response.status_code == 200, response.text
    jobs = get(server, f"/job?processInstanceId={response.json()['id']}", login="owner")
    assert len(jobs) == 1, jobs


def test_a_later_diagram_reusing_the_element_id_stays_synchronous(server):
    deploy(server, "hb_asyncQ", ASYNC)
    deploy(server, "hb_plainQ", PLAIN)
    _synchronous(server, "hb_plainQ")
    _asynchronous(server, "hb_asyncQ")


def test_two_diagrams_of_one_deployment_keep_their_own_flags(server):
    upload = modeler_upload({"a.bpmn": drawn("hb_asyncR", ASYNC),
                             "p.bpmn": drawn("hb_plainR", chain(START, script(source="y = 3 // divisor"),
                                                                 AFTER, END))}, name="both")
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 200, response.text
    _synchronous(server, "hb_plainR")
    _asynchronous(server, "hb_asyncR")


def test_a_called_process_element_reusing_a_caller_id_keeps_its_own_type(server):
    child = chain('<bpmn:startEvent id="Start_C" />',
                  '<bpmn:serviceTask id="Task_After" name="子外部" camunda:type="external" '
                  'camunda:topic="hb-t" />',
                  '<bpmn:endEvent id="End_C" />')
    deploy(server, "hb_type_child", child)
    deploy(server, "hb_type_parent", chain(
        START, '<bpmn:callActivity id="Call_C" name="调用" calledElement="hb_type_child" />', AFTER, END))
    iid = start_response(server, "hb_type_parent").json()["id"]
    tree = get(server, f"/process-instance/{iid}/activity-instances", login="owner")
    kinds = {c["activityId"]: c["activityType"] for node in tree["childActivityInstances"]
             for c in [node, *node["childActivityInstances"]]}
    assert kinds["Task_After"] == "serviceTask", tree
    rows = get(server, f"/history/activity-instance?processInstanceId={iid}&activityId=Task_After", "owner")
    assert [r["activityType"] for r in rows] == ["serviceTask"], rows
