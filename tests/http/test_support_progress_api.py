"""Support measures (六) and progress reports (七（一）) over /api, issue 14 items 10 and 11: the happy paths,
another organisation's lead (404), a member (403), bad input (422 naming the field)."""

from __future__ import annotations

from tests.supervision.support import filed_consortium

MEASURE = {"kind": "talent", "name": "青岛市创新创业领军人才", "grantedOn": "2026-06-01", "level": "city",
           "amountWan": 100}
REPORT = {"summary": "本期完成关键部件联合攻关，形成专利两项，中试线开工。"}


def test_support_measures_over_http(server, ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    lead, city, member, other = (server.client(u) for u in ("lead1", "city1", "member1", "cylead1"))
    path = f"/api/consortia/{cid}/support-measures"

    bad = city.post(path, json={**MEASURE, "kind": "medal", "amountWan": -1})
    assert bad.status_code == 422 and {"kind", "amountWan"} <= set(bad.json()["fields"])
    assert member.post(path, json=MEASURE).status_code == 403
    assert lead.post(path, json=MEASURE).status_code == 403
    assert other.post(path, json=MEASURE).status_code == 404
    assert city.post(path, json=MEASURE).status_code == 201

    project = {"projectNo": "2026ZXZZ01", "name": "专项组织攻关", "level": "city", "startedOn": "2026-03-01",
               "mode": "special", "amountWan": 300}
    wrong = lead.post(f"/api/consortia/{cid}/projects", json={**project, "mode": "lottery"})
    assert wrong.status_code == 422 and "mode" in wrong.json()["fields"]
    assert lead.post(f"/api/consortia/{cid}/projects", json=project).status_code == 201

    seen = member.get(f"/api/consortia/{cid}/support").json()
    assert [(p["mode"], p["amountWan"]) for p in seen["projects"]] == [("special", 300)]
    assert [(m["kind"], m["name"]) for m in seen["measures"]] == [("talent", MEASURE["name"])]
    assert seen["increasedSupport"] is False
    assert other.get(f"/api/consortia/{cid}/support").status_code == 404


def test_progress_reports_over_http(server, ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    lead, district, city, member, other = (
        server.client(u) for u in ("lead1", "district1", "city1", "member1", "cylead1"))
    path = f"/api/consortia/{cid}/progress-reports"

    short = lead.post(path, json={"summary": "无"})
    assert short.status_code == 422 and list(short.json()["fields"]) == ["summary"]
    assert member.post(path, json=REPORT).status_code == 403
    assert other.post(path, json=REPORT).status_code == 404
    made = lead.post(path, json=REPORT)
    assert made.status_code == 201, made.text
    for reader in (district, city):
        read = reader.get(path).json()
        assert [r["summary"] for r in read["reports"]] == [REPORT["summary"]]
        due = made.json()["dueOn"]
        assert read["reports"][0]["dueOn"] == due and read["nextDueOn"] > due
    assert server.client("district2").get(path).status_code == 404


def test_support_and_progress_operations_are_documented(server):
    spec = server.client(None).get("/api/openapi.json").json()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert {
        ("/api/consortia/{consortium_id}/support", "get"),
        ("/api/consortia/{consortium_id}/support-measures", "post"),
        ("/api/consortia/{consortium_id}/progress-reports", "get"),
        ("/api/consortia/{consortium_id}/progress-reports", "post"),
    } <= documented
    project = spec["components"]["schemas"]["ProjectIn"]["properties"]
    assert {"open", "special", "challenge"} <= set(project["mode"]["enum"]) and "amountWan" in project
