"""hbreak fault 12: a blank variable name ("" or " ") is refused on every way variables come in (no
script or expression could ever read it). Before: stored as given."""

from __future__ import annotations

import pytest

from tests.support.drawn import chain

from .running import complete, deploy, get, open_tasks, start, start_response

TASK = '<bpmn:userTask id="Task_1" name="办理" camunda:candidateGroups="city_clerk" />'
BODY = chain('<bpmn:startEvent id="Start_1" />', TASK, '<bpmn:endEvent id="End_1" />')
S = {"value": "x", "type": "String"}


@pytest.mark.parametrize("name", ["", " "])
def test_blank_names_are_refused(server, name):
    deploy(server, "hb_blank", BODY)
    refused = start_response(server, "hb_blank", {name: S})
    assert refused.status_code == 400 and "blank" in refused.json()["message"], refused.text
    iid = start(server, "hb_blank")
    [task] = open_tasks(server, iid)
    owner = server.client("owner")
    answers = [
        complete(server, task["id"], {name: S}),
        owner.rest("PUT", f"/process-instance/{iid}/variables/{name or '%20'}", json=S),
        owner.rest("POST", f"/process-instance/{iid}/variables", json={"modifications": {name: S}}),
        server.client("city1").rest("PUT", f"/task/{task['id']}/localVariables/%20", json=S),
    ]
    for answer in answers:
        assert answer.status_code in (400, 404, 405), answer.text
        assert answer.status_code != 400 or "blank" in answer.json()["message"], answer.text
    assert answers[2].status_code == 400 and answers[3].status_code == 400
    assert set(get(server, f"/process-instance/{iid}/variables", "owner")) == set()
