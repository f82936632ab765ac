"""The supervision actions over /api (issue 14, item 9): each operation's happy path, the role that may not
(403), what the caller may not see (404) and bad input (422 naming the field), and the audit trail."""

from __future__ import annotations

import sqlalchemy as sa

from service.consortium.demo import ORGANISATIONS
from service.consortium.store.models import Filing
from service.engine import notifications
from service.engine.store.models import AuditEvent
from tests.supervision.support import actor, consortium, filed_consortium
from tests.supervision.test_renewals import expire
from tests.support.procedure import FORMS

MEMBER = ORGANISATIONS[1]
PROJECT = {"projectNo": "2026ZDYF001", "name": "高端数控系统联合攻关", "level": "provincial",
           "startedOn": "2026-03-01", "endsOn": "2028-02-28"}
ENTRY = {
    "subjectKind": "org", "subjectId": MEMBER[0], "subjectName": MEMBER[1], "type": "dishonesty",
    "description": "科研项目验收材料中伪造测试报告", "decisionDocument": "青科字〔2026〕40号",
    "decidedOn": "2026-03-02",
}
ROUND = {"title": "2026年度创新联合体绩效评价", "dataFrom": "2025-01-01", "dataUntil": "2025-12-31"}


def actions(ctx) -> list[str]:
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_projects_and_dissolution(server, ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    lead, city, member, stranger = (server.client(u) for u in ("lead1", "city1", "member1", "district2"))
    path = f"/api/consortia/{cid}/projects"

    bad = lead.post(path, json={**PROJECT, "projectNo": "", "level": "galactic", "startedOn": "2026-13-01"})
    assert bad.status_code == 422, bad.text
    assert {"projectNo", "level", "startedOn"} <= set(bad.json()["fields"])
    assert lead.post(path, json=[1]).status_code == 422
    assert member.post(path, json=PROJECT).status_code == 403
    assert stranger.post(path, json=PROJECT).status_code == 404  # 城阳区 does not see a 崂山区 consortium
    assert lead.post(f"/api/consortia/{cid}/projects", json={**PROJECT, "endsOn": "2025-01-01"}).json()[
        "fields"
    ] == {"endsOn": ["结束日期早于开始日期 / Ends before it starts"]}  # as the request spelt it

    made = lead.post(path, json=PROJECT)
    assert made.status_code == 201, made.text
    project_id = made.json()["id"]

    dissolve = f"/api/consortia/{cid}/dissolution"
    missing = lead.post(dissolve, json={}).json()["fields"]
    assert missing == {"reason": ["此项为必填项 / Missing data for required field."]}
    assert member.post(dissolve, json={"reason": "合作期满"}).status_code == 403
    busy = lead.post(dissolve, json={"reason": "合作期满"})
    assert busy.status_code == 409 and "2026ZDYF001" in busy.json()["message"]

    assert lead.post(f"/api/projects/{project_id}/completion").status_code == 403
    assert city.post("/api/projects/999999/completion").status_code == 404
    assert city.post(f"/api/projects/{project_id}/completion").json()["status"] == "completed"
    record = city.get(f"/api/consortia/{cid}/supervision").json()
    assert [(p["projectNo"], p["status"], p["recordedBy"]) for p in record["projects"]] == [
        ("2026ZDYF001", "completed", "lead1")
    ]

    done = lead.post(dissolve, json={"reason": "合作期满，各方协商一致解散"})
    assert done.status_code == 200 and done.json()["status"] == "dissolved"
    assert consortium(ctx, consortium_id=cid).status == "dissolved"
    assert lead.post(path, json=PROJECT).status_code == 409  # no longer filed
    assert {"project.recorded", "project.completed", "consortium.dissolved"} <= set(actions(ctx))


def test_evaluation_round_credit_entry_and_lead_failure(server, ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    lead, city, stranger = server.client("lead1"), server.client("city1"), server.client("district2")

    assert lead.post("/api/evaluation-rounds", json=ROUND).status_code == 403
    backwards = city.post("/api/evaluation-rounds", json={**ROUND, "dataUntil": "2024-12-31"})
    assert backwards.status_code == 422 and "dataUntil" in backwards.json()["fields"]
    not_a_date = city.post("/api/evaluation-rounds", json={**ROUND, "dataFrom": "yesterday"})
    assert not_a_date.status_code == 422 and "dataFrom" in not_a_date.json()["fields"]
    too_long = city.post("/api/evaluation-rounds", json={**ROUND, "hearingWorkingDays": 0})
    assert too_long.status_code == 422 and "hearingWorkingDays" in too_long.json()["fields"]
    opened = city.post("/api/evaluation-rounds", json={**ROUND, "hearingWorkingDays": 7})
    assert opened.status_code == 201, opened.text
    assert opened.json()["roundNo"].startswith("JXPJ-") and len(opened.json()["instances"]) == 1

    assert lead.post("/api/integrity-records", json=ENTRY).status_code == 403
    open_ended = city.post("/api/integrity-records", json={**ENTRY, "restricts": True})
    assert open_ended.status_code == 422 and "restrictionUntil" in open_ended.json()["fields"]
    assert "type" in city.post("/api/integrity-records", json={**ENTRY, "type": "x"}).json()["fields"]
    unknown = city.post("/api/integrity-records", json={**ENTRY, "consortiumId": 999999})
    assert unknown.status_code == 422 and "consortiumId" in unknown.json()["fields"]
    made = city.post("/api/integrity-records", json={**ENTRY, "consortiumId": cid})
    assert made.status_code == 201, made.text
    [entry] = city.get(f"/api/consortia/{cid}/supervision").json()["integrityRecords"]
    assert (entry["id"], entry["subjectId"], entry["decisionDocument"]) == (
        made.json()["id"], MEMBER[0], "青科字〔2026〕40号"
    )

    cases = f"/api/consortia/{cid}/lead-failure-cases"
    assert lead.post(cases).status_code == 403
    assert stranger.post(cases).status_code == 404
    assert city.post("/api/consortia/999999/lead-failure-cases").status_code == 404
    case = city.post(cases)
    assert case.status_code == 201 and case.json()["businessKey"].startswith("QTSZ-")
    tasks = city.rest("GET", f"/task?processInstanceId={case.json()['id']}").json()
    assert [t["taskDefinitionKey"] for t in tasks] == ["Task_DecideLeadFailure"]
    assert {"evaluation.round_opened", "integrity.recorded", "instance.started"} <= set(actions(ctx))


def test_member_change_and_renewal(server, ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    lead, member, stranger = server.client("lead1"), server.client("member1"), server.client("district2")

    changes = f"/api/consortia/{cid}/member-changes"
    reason = {"reason": "新增一家高校成员"}
    assert member.post(changes, json=reason).status_code == 403
    assert stranger.post(changes, json=reason).status_code == 404
    started = lead.post(changes, json=reason)
    assert started.status_code == 201 and started.json()["businessKey"].startswith("BCXY-")
    tasks = lead.rest("GET", f"/task?processInstanceId={started.json()['id']}").json()
    assert len(tasks) == 1  # the lead unit drafts the supplementary agreement first

    with ctx.unit_of_work(write=False) as uow:
        filing_no = uow.session.scalars(sa.select(Filing.filing_no).where(Filing.consortium_id == cid)).one()
    assert lead.post(f"/api/filings/{filing_no}/renewal").status_code == 409  # still in force
    assert lead.get("/api/renewal-invitations").json() == []
    expire(ctx, clock, cid)

    [invitation] = lead.get("/api/renewal-invitations").json()
    assert invitation["consortiumId"] == cid and invitation["status"] == "open"
    [notice] = [n for n in notifications.list_notifications(ctx, actor=actor(ctx, "lead1"))
                if n.kind == "renewal_invitation"]
    assert f"/registry/{cid}/renewal" in notice.body  # the notice's 重新申报 entry
    assert member.post(f"/api/filings/{filing_no}/renewal").status_code == 403
    assert stranger.post(f"/api/filings/{filing_no}/renewal").status_code == 404
    assert lead.post("/api/filings/BA-NOPE/renewal").status_code == 404
    renewal = lead.post(f"/api/filings/{filing_no}/renewal")
    assert renewal.status_code == 201, renewal.text
    state = lead.get(f"/api/process-instances/{renewal.json()['id']}").json()
    assert state["variables"]["consortium_name"] == FORMS["Task_Initiate"]["consortium_name"]
    assert state["variables"]["previous_filing_no"] == filing_no
    assert lead.post(f"/api/filings/{filing_no}/renewal").status_code == 409
    assert "renewal.started" in actions(ctx)


def test_the_supervision_operations_are_documented(server):
    spec = server.client(None).get("/api/openapi.json").json()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert {
        ("/api/evaluation-rounds", "post"),
        ("/api/consortia/{consortium_id}/projects", "post"),
        ("/api/projects/{project_id}/completion", "post"),
        ("/api/consortia/{consortium_id}/dissolution", "post"),
        ("/api/integrity-records", "post"),
        ("/api/consortia/{consortium_id}/member-changes", "post"),
        ("/api/consortia/{consortium_id}/lead-failure-cases", "post"),
        ("/api/renewal-invitations", "get"),
        ("/api/filings/{filing_no}/renewal", "post"),
    } <= documented
    body = spec["paths"]["/api/integrity-records"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/IntegrityEventIn"}
    responses = spec["paths"]["/api/evaluation-rounds"]["post"]["responses"]
    assert {403, 404, 422} <= {int(code) for code in responses}
