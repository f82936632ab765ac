"""hbreak fault 10: refusals name the field and say why, once, without Python's internals.

Before: lockDuration / newDuration of 9223372036854775807 answered "Python int too large to convert to
C int", a newDuration of 10^15 "date value out of range", a bad Date "Cannot convert value 'abc' of
'date'" without the variable, and messages were printed twice ("body: X; body: X").
"""

from __future__ import annotations

import pytest

from tests.http.running import deploy, start, start_response
from tests.support.drawn import chain

WORK = '<bpmn:serviceTask id="Ext_Work" name="外部" camunda:type="external" camunda:topic="hb-bounds" />'
BODY = chain('<bpmn:startEvent id="Start_1" />', WORK, '<bpmn:endEvent id="End_1" />')
HUGE = 9223372036854775807


def _refused(response, field: str) -> str:
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert field in message and "Python" not in message and "C int" not in message, message
    assert "out of range" not in message or field in message
    return message


@pytest.mark.parametrize("duration", [HUGE, 10**15])
def test_huge_lock_durations_are_400s_naming_the_field(server, duration):
    deploy(server, "hb_bounds", BODY)
    start(server, "hb_bounds")
    owner = server.client("owner")
    topic = {"topicName": "hb-bounds", "lockDuration": duration}
    _refused(owner.rest("POST", "/external-task/fetchAndLock",
                        json={"workerId": "w", "maxTasks": 1, "topics": [topic]}), "lockDuration")
    [task] = owner.rest("POST", "/external-task/fetchAndLock", json={
        "workerId": "w", "maxTasks": 1, "topics": [{**topic, "lockDuration": 1000}]}).json()
    _refused(owner.rest("POST", f"/external-task/{task['id']}/extendLock",
                        json={"workerId": "w", "newDuration": duration}), "newDuration")
    _refused(owner.rest("POST", f"/external-task/{task['id']}/lock",
                        json={"workerId": "w", "lockDuration": duration}), "lockDuration")


def test_a_bad_date_names_the_variable(server):
    deploy(server, "hb_bounds", BODY)
    message = _refused(start_response(server, "hb_bounds", {"vdt": {"value": "abc", "type": "Date"}}), "vdt")
    assert "'date'" not in message


def test_a_malformed_body_is_described_once(server):
    deploy(server, "hb_bounds", BODY)
    body = b'{"variables": {"x": {"value": 1e999, "type": "Double"}}}'
    response = server.client("city1").rest("POST", "/process-definition/key/hb_bounds/start", data=body,
                                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["message"].count("1e999") == 1, response.json()["message"]
