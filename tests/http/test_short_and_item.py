"""hbreak fault 13: a `Short` variable stays `Short` (before: read back as `Integer`), also after later
commands restored the instance; a multi-instance user task does not show the product's internal
`item` on /engine-rest (before: an extra variable `item` on /task/{id}/variables)."""

from __future__ import annotations

from tests.support.drawn import chain

from .running import complete, deploy, get, open_tasks, start

FIRST = '<bpmn:userTask id="Task_First" name="先办" camunda:candidateGroups="city_clerk" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'
START, END = '<bpmn:startEvent id="Start_1" />', '<bpmn:endEvent id="End_1" />'


def test_a_short_stays_short(server):
    deploy(server, "hb_short", chain(START, FIRST, AFTER, END))
    iid = start(server, "hb_short", {"small": {"value": 12, "type": "Short"},
                                     "plain": {"value": 12, "type": "Integer"}})
    owner = server.client("owner")
    assert owner.rest("PUT", f"/process-instance/{iid}/variables/put_small",
                      json={"value": 7, "type": "Short"}).status_code == 204
    [task] = open_tasks(server, iid)
    assert complete(server, task["id"], {"note": {"value": "x", "type": "String"}}).status_code == 204
    values = get(server, f"/process-instance/{iid}/variables", "owner")
    assert {n: values[n]["type"] for n in ("small", "plain", "put_small")} == {
        "small": "Short", "plain": "Integer", "put_small": "Short"}
    assert get(server, f"/process-instance/{iid}/variables/small", "owner") == {
        "value": 12, "type": "Short", "valueInfo": {}}
    [after] = open_tasks(server, iid)
    assert get(server, f"/task/{after['id']}/variables/small")["type"] == "Short"


MI = ('<bpmn:userTask id="Task_Review" name="评审" camunda:candidateGroups="city_clerk">'
      '<bpmn:multiInstanceLoopCharacteristics camunda:collection="reviewers" '
      'camunda:elementVariable="reviewer" /></bpmn:userTask>')


def test_a_multi_instance_task_shows_its_element_variable_not_item(server):
    deploy(server, "hb_item", chain(START, MI, END))
    iid = start(server, "hb_item", {"reviewers": {"value": '["a", "b"]', "type": "Json"}})
    for task in open_tasks(server, iid):
        values = get(server, f"/task/{task['id']}/variables")
        assert "item" not in values and values["reviewer"]["value"] in ("a", "b"), values
        missing = server.client("city1").rest("GET", f"/task/{task['id']}/variables/item")
        assert missing.status_code == 404, missing.text
