"""The history on the application page says what each decision decided (issue 17 item 9): approved,
returned with its reason, rejected; not only "task completed"."""

from __future__ import annotations

import re

from tests.support.pages import sign_in
from tests.support.procedure import FORMS, Walk

OUTCOME = re.compile(r'data-outcome="(\w+)">([^<]+)</strong>(（[^）]*）)?')


def test_the_history_shows_approval_return_with_reason_and_rejection(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview", {
        "district_decision": "return", "district_opinion": "缺少组建协议盖章页",
        "returned_sections": [{"section": "agreement", "reason": "缺少组建协议盖章页"}],
    })
    walk.do("Task_CorrectForDistrict", {"agreement": FORMS["Task_SignAgreement"]["agreement"],
                                        "correction_note": "已补充盖章页"})
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview", {"city_decision": "reject", "city_opinion": "不符合申报条件"})
    browser = server.client(None)
    assert sign_in(browser, "lead1").status_code == 303
    page = browser.get(f"/applications/{walk.instance_id}")
    assert page.status_code == 200
    found = [(value, label, reason or "") for value, label, reason in OUTCOME.findall(page.text)]
    decided = [(v, label, r) for v, label, r in found if v in ("approve", "return", "reject", "accept")]
    assert decided == [
        ("return", "退回修改", "（理由：缺少组建协议盖章页）"),
        ("approve", "审核通过并推荐", "（理由：材料齐全，同意推荐）"),
        ("reject", "不予受理", "（理由：不符合申报条件）"),
    ]
    assert [v for v, _, _ in found].count("confirm") == 5  # each member unit's confirmation
