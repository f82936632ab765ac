"""The whole procedure over HTTP alone: deployment by multipart upload (owner) to filing, as every role."""

from __future__ import annotations

from service.engine import jobs
from tests.support.pages import log_in

from .walk import KEY, HttpWalk


def test_the_whole_procedure_over_http_from_upload_to_filing(server, clock):
    walk = HttpWalk(server)

    deployed = walk.deploy_bundled(changed_only=False)  # the template already holds version 1
    new_definitions = {d["key"]: d for d in deployed["deployedProcessDefinitions"].values()}
    assert new_definitions[KEY]["version"] == 2

    started = walk.start("lead1")
    assert started["definitionId"] == new_definitions[KEY]["id"]
    assert started["businessKey"].startswith("CXLHT-")

    walk.prepare_and_submit()
    assert walk.tasks_of("lead1") == []  # submitted: nothing left for the applicant
    assert walk.tasks_of("district2") == []  # another district never sees it
    variables = walk.do("Task_DistrictReview", return_variables=True)
    assert variables["district_decision"] == {"value": "approve", "type": "String", "valueInfo": {}}
    walk.do("Task_CityReview")
    walk.expert_review()
    walk.select()

    # Publicity: nobody has a task; the timer is the scheduler's (moved clock, fired by the use case).
    assert walk.tasks_of("city1") == []
    clock.advance(days=15)
    assert jobs.fire_due_jobs(server.ctx) == 1
    # then the city clerk decides the filing, with its document number (issue 13 item 5)
    assert [t["taskDefinitionKey"] for t in walk.tasks_of("city1")] == ["Task_FilingDecision"]
    walk.do("Task_FilingDecision")

    # The applicant, signed in through the session, sees its filing.
    browser = server.client(None)
    login = log_in(browser, "lead1")
    assert login.status_code == 303
    filings = browser.get("/api/filings").json()
    assert [f["status"] for f in filings] == ["filed"]
    consortium = browser.get(f"/api/consortia/{filings[0]['consortiumId']}").json()
    assert consortium["status"] == "filed" and consortium["filings"][0]["filingNo"] == filings[0]["filingNo"]
    assert {m["creditCode"] for m in consortium["members"]} >= {consortium["leadCreditCode"]}

    # History, read by the city clerk and the administrator.
    for login_name in ("city1", "admin"):
        city = walk.as_(login_name)
        instances = city.rest(
            "GET", "/history/process-instance", params={"processInstanceId": walk.instance_id}
        )
        assert [i["state"] for i in instances.json()] == ["ACTIVE"]  # waiting for the validity to end
        done = city.rest(
            "GET", "/history/task", params={"processInstanceId": walk.instance_id, "finished": "true"}
        )
        names = [t["taskDefinitionKey"] for t in done.json()]
        assert names.count("Task_DeskReview") == 5 and names.count("Task_ConfirmMembership") == 5
        assert all(t["deleteReason"] == "completed" and t["endTime"] for t in done.json())
        services = city.rest(
            "GET",
            "/history/activity-instance",
            params={"processInstanceId": walk.instance_id, "activityType": "serviceTask"},
        ).json()
        assert {"Service_OpenPublicity", "Service_File"} <= {a["activityId"] for a in services}

    # Each expert sees its own history only.
    own = (
        walk.as_("expert1")
        .rest("GET", "/history/task", params={"processInstanceId": walk.instance_id})
        .json()
    )
    assert {t["assignee"] for t in own} == {"expert1"} and len(own) == 2
