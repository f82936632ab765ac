"""The expert's score sheet page: refusals listed in the summary box (issue 17 item 13) and the signature
time in Beijing time, not UTC (issue 17 item 12)."""

from __future__ import annotations

import re
from html import unescape

import requests

from service.clock import SHANGHAI
from tests.support.pages import form_token, sign_in
from tests.support.procedure import Walk


def _summary(html: str) -> str:
    found = re.search(r'id="error-summary">(.*?)</div>', html, re.S)
    assert found, "no error summary"
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def test_score_sheet_errors_are_summarised_and_the_signature_time_is_beijing_time(server):
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.draw_and_declare()
    for login in walk.panel:
        walk.do("Task_DeskReview", login=login)
    walk.do("Task_SiteVisitReport")
    expert, page = walk.panel[0], f"/panels/{walk.panel_id}"

    browser = requests.Session()
    base = server.base
    browser.request = (lambda call: lambda m, u, *a, **k: call(m, base + u if u.startswith("/") else u, *a,
                                                                  timeout=60, **k))(browser.request)
    assert sign_in(browser, expert).status_code == 303
    token = form_token(browser, page)
    refused = browser.post(f"{page}/score-sheet", data={
        "csrf_token": token, "idem": "sheet-errors-00000001", "action": "draft",
        "score.significance": "999", "comment.significance": "很好",
    })
    assert refused.status_code == 422, re.findall(r"<p[^>]*>([^<]*)</p>", refused.text)
    summary = _summary(refused.text)
    assert "分值须在" in summary and 'href="#score-significance"' in refused.text, summary

    walk.sign_score_sheet(expert)
    shown = browser.get(page).text
    locked = re.search(r'id="sheet-locked">(.*?)</p>', shown, re.S).group(1)
    beijing = server.ctx.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert beijing in locked, locked
