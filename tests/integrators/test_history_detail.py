"""Issue 16: `/history/detail` answers variable updates with their values, and the fields of a submitted
form, in Camunda's shapes (validated against the REST reference's HistoricDetailDto), scoped to the
instances the caller may see. Before: 404 "refused" (the audit trail kept no values)."""

from __future__ import annotations

from tests.http.camunda_schema import CamundaSchemas
from tests.http.running import deploy, open_tasks, start
from tests.support.drawn import chain

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
REVIEW = '<bpmn:userTask id="Task_Review" name="审核" camunda:candidateGroups="city_clerk" />'
DOUBLE = ('<bpmn:scriptTask id="Script_Double" name="加倍" scriptFormat="python">'
          "<bpmn:script>doubled = amount * 2</bpmn:script></bpmn:scriptTask>")
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'


def test_variable_updates_and_form_fields_with_their_values(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "detailed", chain(START, REVIEW, DOUBLE, AFTER, END))
    iid = start(server, "detailed", {"amount": {"value": 10, "type": "Integer"},
                                     "due": {"value": "2026-03-02T09:00:00.000+0800", "type": "Date"}})
    city, owner, lead = server.client("city1"), server.client("owner"), server.client("lead1")
    [task] = open_tasks(server, iid)
    submitted = city.rest("POST", f"/task/{task['id']}/submit-form",
                          json={"variables": {"amount": {"value": 12, "type": "Integer"},
                                              "approved": {"value": True, "type": "Boolean"}}})
    assert submitted.status_code == 204, submitted.text
    changed = owner.rest("PUT", f"/process-instance/{iid}/variables/approved",
                         json={"value": False, "type": "Boolean"})
    assert changed.status_code == 204, changed.text

    listed = check(city.rest("GET", "/history/detail",
                             params={"processInstanceId": iid, "variableUpdates": "true"}), "/history/detail")
    updates = [(d["variableName"], d["value"], d["variableType"], d["revision"], d["initial"],
                d["taskId"]) for d in listed]
    assert updates == [
        ("amount", 10, "Integer", 0, True, None),
        ("due", "2026-03-02T09:00:00.000+0800", "Date", 0, True, None),
        ("amount", 12, "Integer", 1, False, task["id"]),  # the completion caused it
        ("approved", True, "Boolean", 0, True, task["id"]),
        ("doubled", 24, "Integer", 0, True, task["id"]),  # the script after it, same command
        ("approved", False, "Boolean", 1, False, None),  # the administrator's PUT
    ]
    assert {d["type"] for d in listed} == {"variableUpdate"}
    assert listed[0]["variableInstanceId"] == f"{iid}:amount" and listed[0]["processInstanceId"] == iid

    forms = check(city.rest("GET", "/history/detail",
                            params={"processInstanceId": iid, "formFields": "true"}), "/history/detail")
    assert sorted((f["fieldId"], f["fieldValue"], f["taskId"]) for f in forms) == [
        ("amount", 12, task["id"]), ("approved", True, task["id"])]

    everything = city.rest("GET", "/history/detail", params={"processInstanceId": iid}).json()
    assert len(everything) == len(listed) + len(forms)
    counted = check(city.rest("GET", "/history/detail/count", params={"processInstanceId": iid}),
                    "/history/detail/count")
    assert counted == {"count": len(everything)}
    dates = city.rest("GET", "/history/detail", params={"variableTypeIn": "Date", "processInstanceId": iid})
    assert [d["variableName"] for d in dates.json()] == ["due"]
    by_task = city.rest("GET", "/history/detail", params={"taskId": task["id"], "variableUpdates": "true"})
    assert [d["variableName"] for d in by_task.json()] == ["amount", "approved", "doubled"]
    newest = check(city.rest("POST", "/history/detail", json={
        "processInstanceId": iid, "variableUpdates": True,
        "sorting": [{"sortBy": "occurrence", "sortOrder": "desc"}]}, params={"maxResults": 1}),
        "/history/detail")
    assert [(d["variableName"], d["value"]) for d in newest] == [("approved", False)]
    one = check(city.rest("GET", f"/history/detail/{listed[2]['id']}"), "/history/detail/{id}")
    assert one == listed[2]
    excluded = city.rest("GET", "/history/detail",
                         params={"processInstanceId": iid, "excludeTaskDetails": "true"})
    assert {d["taskId"] for d in excluded.json()} == {None}

    # outside the caller's scope: nothing, and 404 for one detail
    assert lead.rest("GET", "/history/detail", params={"processInstanceId": iid}).json() == []
    assert lead.rest("GET", "/history/detail/count").json() == {"count": 0}
    assert lead.rest("GET", f"/history/detail/{listed[0]['id']}").status_code == 404
    assert city.rest("GET", "/history/detail/nope").status_code == 404
    refused = city.rest("GET", "/history/detail", params={"tenantIdIn": "a"})
    assert refused.status_code == 400 and "tenant" in refused.json()["message"]
    assert city.rest("GET", "/history/detail", params={"sortBy": "time"}).status_code == 400  # no order
