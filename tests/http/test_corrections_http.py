"""Corrections that correct (issue 13 item 2) over HTTP: the return through the REST API, the correction
page drawn from the returned sections only (prefilled, with the reasons), a not-returned section refused
with 400 naming it, the corrected page submitted, and the case file page showing old → new."""

from __future__ import annotations

import html

from tests.support.pages import sign_in
from tests.support.procedure import FORMS, Walk

from .test_idempotency import tokens
from .walk import typed_map

PLAN = FORMS["Task_DraftPlan"]["plan"]
REASON = "请写明标志性成果的技术指标"
NEW_RESULTS = "预期成果：伺服驱动定位精度达到±1微米，申请发明专利二十项，制定团体标准两项。"


def test_return_correct_and_see_the_difference(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    [review] = walk.tasks_of("district1", "Task_DistrictReview")
    district = server.client("district1")
    bare = {"district_decision": "return", "district_opinion": "预期成果不具体"}
    response = district.rest("POST", f"/task/{review.id}/complete", json={"variables": typed_map(bare)})
    assert response.status_code == 400 and "returned_sections" in response.json()["message"]
    returned = {**bare, "returned_sections": [{"section": "plan.results", "reason": REASON}]}
    response = district.rest("POST", f"/task/{review.id}/complete", json={"variables": typed_map(returned)})
    assert response.status_code == 204, response.text

    [task] = walk.tasks_of("lead1", "Task_CorrectForDistrict")
    lead = server.client(None)
    assert sign_in(lead, "lead1").status_code == 303
    page = lead.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'name="plan.results"' in text and PLAN["results"] in text  # prefilled
    assert f"退回理由：{REASON}" in text and "Reason for return" not in text  # the page's language only
    for other in ("plan.goals", "plan.significance", "agreement.innovation_goals", "invited_members.0.name",
                  "chief_expert.name", "supplementary_document"):
        assert f'name="{other}"' not in text, other

    api = server.client("lead1")
    sneaky = {"plan": {"results": NEW_RESULTS, "goals": PLAN["goals"] + "（改）"}}
    response = api.rest("POST", f"/task/{task.id}/complete", json={"variables": typed_map(sneaky)})
    assert response.status_code == 400 and "goals" in response.json()["message"]

    form = {**tokens(page.text, f"/tasks/{task.id}"), "action": "complete", "plan.results": NEW_RESULTS,
            "correction_note": "已补充技术指标"}
    answer = lead.post(f"/tasks/{task.id}", data=form, allow_redirects=False)
    assert answer.status_code == 303, answer.text[:2000]

    clerk = server.client(None)
    assert sign_in(clerk, "district1").status_code == 303
    casefile = html.unescape(clerk.get(f"/casefile/{walk.business_key}").text)
    section = casefile[casefile.index('id="cf-corrections"'):]
    assert REASON in section and PLAN["results"] in section and NEW_RESULTS in section
    assert 'data-field="plan.results"' in section
    # the district's opinion lists each returned section before its reason
    opinions = casefile[casefile.index(REASON) - 200: casefile.index(REASON) + len(REASON) + 5]
    assert f"：{REASON}" in opinions, opinions
