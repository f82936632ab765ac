"""Third-party evaluation agencies over HTTP (guideline 七（二）; issue 14 item 12): the register of agencies
(/api/evaluation-agencies), entrusting an evaluation (/api/evaluations/{id}/agency), and the entrusted
evaluations an agency reads (/api/agency-evaluations, /agency-evaluations): its own only; refusals with
their status and the field they name; the operations in the OpenAPI document."""

from __future__ import annotations

import json
import re

from service.consortium.demo import AGENCY, ORGANISATIONS
from service.consortium.supervision import evaluations
from tests.supervision.support import SELF_REPORT, Steps, actor, filed_consortium
from tests.supervision.test_agencies import SETTINGS

from .test_panel_opinion_document import signed_in

OTHER = {"creditCode": "91370212MA3C10103N", "name": "青岛崂信评估咨询有限公司", "category": "enterprise",
         "district": "崂山区", "qualification": "具有科技评估资质，近三年完成区级以上绩效评价项目二十余项"}


def test_the_register_of_agencies_over_http(server):
    lead, city = server.client("lead1"), server.client("city1")
    assert [a["creditCode"] for a in lead.get("/api/evaluation-agencies").json()] == [AGENCY[0]]
    refused = lead.post("/api/evaluation-agencies", json=OTHER)
    assert refused.status_code == 403 and refused.json()["message"].startswith("只有市科技局")
    short = city.post("/api/evaluation-agencies", json={**OTHER, "qualification": "有"})
    assert short.status_code == 422 and list(short.json()["fields"]) == ["qualification"]
    mars = city.post("/api/evaluation-agencies", json={**OTHER, "district": "火星区"})
    assert mars.status_code == 422 and "district" in mars.json()["fields"]
    made = city.post("/api/evaluation-agencies", json=OTHER)
    assert made.status_code == 201 and made.json()["name"] == OTHER["name"]
    assert city.post("/api/evaluation-agencies", json=OTHER).status_code == 409
    path = f"/api/evaluation-agencies/{OTHER['creditCode']}"
    assert lead.patch(path, json={"active": False}).status_code == 403
    assert city.patch(path, json={"active": False}).json()["active"] is False
    assert city.patch("/api/evaluation-agencies/NOPE", json={"active": False}).status_code == 404
    assert len(lead.get("/api/evaluation-agencies").json()) == 1
    assert len(lead.get("/api/evaluation-agencies?all=true").json()) == 2

    spec = server.client(None).get("/api/openapi.json").json()
    documented = (("/api/evaluation-agencies", "post"), ("/api/evaluations/{instance_id}/agency", "post"),
                  ("/api/agency-evaluations", "get"), ("/api/evaluation-agencies/{credit_code}", "patch"))
    for path, method in documented:
        assert method in spec["paths"][path], path


def test_entrusting_an_evaluation_and_what_each_agency_reads(server, ctx, clock):
    _, _cid = filed_consortium(ctx, clock)
    opened = evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=SETTINGS)
    steps = Steps(ctx, opened["instances"][0])
    steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    city, agency, lead = server.client("city1"), server.client("agency1"), server.client("lead1")

    # the task page offers the registered agencies to choose from
    [assign] = steps.open("city1", "Task_AssignEvaluators")
    page = signed_in(server, "city1").get(f"/tasks/{assign.id}").text
    select = re.search(r'<select id="f-agency" name="agency"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None and AGENCY[0] in select.group(1) and AGENCY[1] in select.group(1)

    path = f"/api/evaluations/{steps.instance_id}/agency"
    assert lead.post(path, json={"agency": AGENCY[0]}).status_code == 403
    missing = city.post("/api/evaluations/no-such-instance/agency", json={"agency": AGENCY[0]})
    assert missing.status_code == 404
    city.post("/api/evaluation-agencies", json={"creditCode": ORGANISATIONS[1][0], "qualification":
                                                OTHER["qualification"]})
    member = city.post(path, json={"agency": ORGANISATIONS[1][0]})
    assert member.status_code == 422 and "成员单位" in member.json()["fields"]["agency"][0]
    assert city.post(path, json={}).status_code == 422
    done = city.post(path, json={"agency": AGENCY[0]})
    assert done.status_code == 200 and done.json()["agency"] == AGENCY[0]
    assert city.post(path, json={"agency": AGENCY[0]}).status_code == 409

    [mine] = agency.get("/api/agency-evaluations").json()
    assert (mine["status"], mine["taskId"]) == ("assigned", done.json()["taskId"])
    assert lead.get("/api/agency-evaluations").status_code == 403
    assert len(city.get("/api/agency-evaluations").json()) == 1
    inbox = agency.get("/api/inbox").json()
    assert [i["elementId"] for i in inbox["items"]] == ["Task_AgencyEvaluation"]
    assert lead.get("/api/inbox?step=Task_AgencyEvaluation").json()["items"] == []
    listing = signed_in(server, "agency1").get("/agency-evaluations")
    assert listing.status_code == 200 and f'href="/tasks/{done.json()["taskId"]}"' in listing.text
    assert signed_in(server, "lead1").get("/agency-evaluations").status_code == 403

    # users' report finding 3: the agency with this open evaluation is not withdrawn (409, naming it)
    busy = city.patch(f"/api/evaluation-agencies/{AGENCY[0]}", json={"active": False})
    assert busy.status_code == 409 and mine["applicationNo"] in busy.json()["message"]
    # users' report finding 2: a report reference naming no upload is refused over /engine-rest
    forged = {"file_id": "does-not-exist", "sha256": "a" * 64, "name": "fake.pdf"}
    variables = {"agency_score": {"value": 70}, "agency_grade": {"value": "pass"},
                 "agency_summary": {"value": "总体运行正常，部分指标未达预期，建议整改提升"},
                 "agency_signed": {"value": True},
                 "agency_report": {"type": "Json", "value": json.dumps(forged)}}
    refused = agency.rest("POST", f"/task/{done.json()['taskId']}/complete", json={"variables": variables})
    # /engine-rest answers form errors as Camunda does: 400 InvalidRequestException naming the field
    assert refused.status_code == 400 and "agency_report" in refused.json()["message"], refused.text
    assert agency.get("/api/agency-evaluations").json()[0]["status"] == "assigned"
