"""The supervision section of a consortium's page and the pages behind it (issue 14, item 9): each action
offered to the role that does it, refused for others, bad input shown beside the form, CSRF and idempotency
tokens as on every page form; the evaluation-round page; the 重新申报 page the expiry notice names."""

from __future__ import annotations

import re

from service.consortium.store.supervision_models import ConsortiumProject, EvaluationRound, RenewalInvitation
from tests.http.test_idempotency import count, signed_in, tokens
from tests.supervision.support import consortium, filed_consortium
from tests.supervision.test_renewals import expire
from tests.support.procedure import FORMS

PROJECT = {"project_no": "2026ZDYF002", "name": "海洋装备智能控制联合攻关", "level": "city",
           "started_on": "2026-03-01", "ends_on": ""}


def test_each_role_sees_its_supervision_actions(ctx, server, clock):
    _, cid = filed_consortium(ctx, clock)
    page = f"/registry/{cid}"
    lead_html = signed_in(server, "lead1").get(page).text
    city_html = signed_in(server, "city1").get(page).text
    member_html = signed_in(server, "member1").get(page).text
    assert 'id="supervision"' in lead_html and "监管" in lead_html
    for action in ("projects", "dissolution", "member-changes"):
        assert f'action="/registry/{cid}/{action}"' in lead_html
    assert f'action="/registry/{cid}/integrity-records"' not in lead_html
    for action in ("projects", "integrity-records", "lead-failure-cases"):
        assert f'action="/registry/{cid}/{action}"' in city_html
    assert f'action="/registry/{cid}/dissolution"' not in city_html
    assert 'href="/evaluation-rounds"' in city_html
    assert 'id="supervision"' in member_html and "<form" not in member_html.split('id="supervision"')[1]


def test_a_lead_unit_records_a_project_and_cannot_dissolve_while_it_runs(ctx, server, clock):
    _, cid = filed_consortium(ctx, clock)
    lead, member = signed_in(server, "lead1"), signed_in(server, "member1")
    action = f"/registry/{cid}/projects"

    bad = lead.post(action, data={**tokens(lead.get(f"/registry/{cid}").text, action), **PROJECT,
                                  "project_no": "", "started_on": "3/1/2026"})
    assert bad.status_code == 422 and 'id="project-problems"' in bad.text
    no_name = lead.post(action, data={**tokens(lead.get(f"/registry/{cid}").text, action), **PROJECT,
                                      "name": " "})
    assert no_name.status_code == 422 and 'id="err-project_name"' in no_name.text
    assert "项目名称" in no_name.text.split('id="project-problems"')[1].split("</div>")[0]
    assert "日期格式有误" in bad.text and count(ctx, ConsortiumProject) == 0

    form = {**tokens(lead.get(f"/registry/{cid}").text, action), **PROJECT}
    done = lead.post(action, data=form, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/registry/{cid}#supervision")
    assert lead.post(action, data=form, allow_redirects=False).headers["Location"] == done.headers["Location"]
    assert count(ctx, ConsortiumProject) == 1  # the replayed form acted once
    shown = lead.get(f"/registry/{cid}").text
    assert "承担项目已登记" in shown and "2026ZDYF002" in shown

    refused = member.post(action, data={**tokens(lead.get(f"/registry/{cid}").text, action), **PROJECT})
    assert refused.status_code == 400  # another session's CSRF token
    own_token = re.search(r'name="csrf_token" value="([^"]+)"', member.get("/").text).group(1)
    member_form = {"csrf_token": own_token, "idem": "x" * 24, **PROJECT}
    assert member.post(action, data=member_form).status_code == 403

    dissolve = f"/registry/{cid}/dissolution"
    empty = lead.post(dissolve, data={**tokens(lead.get(f"/registry/{cid}").text, dissolve), "reason": ""})
    assert empty.status_code == 422 and 'id="dissolution-problems"' in empty.text
    busy = lead.post(dissolve, data={**tokens(lead.get(f"/registry/{cid}").text, dissolve), "reason": "解散"},
                     headers={"Referer": server.base + f"/registry/{cid}"})
    assert "承担项目期间不得自行解散" in busy.text
    assert consortium(ctx, consortium_id=cid).status == "filed"


def test_a_city_clerk_opens_an_evaluation_round_on_its_page(ctx, server, clock):
    filed_consortium(ctx, clock)
    city, lead = signed_in(server, "city1"), signed_in(server, "lead1")
    assert lead.get("/evaluation-rounds").status_code == 403
    form = tokens(city.get("/evaluation-rounds").text, "/evaluation-rounds")
    backwards = city.post("/evaluation-rounds", data={**form, "title": "2026年度绩效评价",
                                                      "data_from": "2025-12-31", "data_until": "2025-01-01"})
    assert backwards.status_code == 422 and "数据期截止日早于起始日" in backwards.text
    assert count(ctx, EvaluationRound) == 0
    opened = city.post("/evaluation-rounds", data={**form, "title": "2026年度绩效评价",
                                                   "data_from": "2025-01-01", "data_until": "2025-12-31"})
    assert opened.status_code == 200 and "涉及 1 个创新联合体" in opened.text
    assert count(ctx, EvaluationRound) == 1


def test_the_clerk_starts_a_lead_failure_case_and_the_lead_a_member_change(ctx, server, clock):
    _, cid = filed_consortium(ctx, clock)
    city, lead = signed_in(server, "city1"), signed_in(server, "lead1")
    case = f"/registry/{cid}/lead-failure-cases"
    opened = city.post(case, data=tokens(city.get(f"/registry/{cid}").text, case), allow_redirects=False)
    assert opened.status_code == 303 and opened.headers["Location"].startswith("/tasks/")
    assert "牵头单位" in city.get(opened.headers["Location"]).text
    change = f"/registry/{cid}/member-changes"
    form = {**tokens(lead.get(f"/registry/{cid}").text, change), "reason": "新增一家高校"}
    started = lead.post(change, data=form, allow_redirects=False)
    assert started.status_code == 303 and started.headers["Location"].startswith("/tasks/")


def test_the_expiry_notice_opens_the_renewal_pre_filled(ctx, server, clock):
    _, cid = filed_consortium(ctx, clock)
    lead, member = signed_in(server, "lead1"), signed_in(server, "member1")
    assert lead.get(f"/registry/{cid}/renewal").status_code == 409  # the filing is in force
    expire(ctx, clock, cid)

    assert f'href="/registry/{cid}/renewal"' in lead.get(f"/registry/{cid}").text
    assert member.get(f"/registry/{cid}/renewal").status_code == 403
    page = lead.get(f"/registry/{cid}/renewal")
    assert page.status_code == 200 and FORMS["Task_Initiate"]["consortium_name"] in page.text
    action = f"/registry/{cid}/renewal"
    started = lead.post(action, data=tokens(page.text, action), allow_redirects=False)
    assert started.status_code == 303 and started.headers["Location"].startswith("/tasks/")
    task = lead.get(started.headers["Location"]).text
    assert FORMS["Task_Initiate"]["key_technology"] in task  # the first form shows the previous answers
    assert "已据此重新申报" in lead.get(f"/registry/{cid}/renewal").text
    assert count(ctx, RenewalInvitation, RenewalInvitation.status == "accepted") == 1
