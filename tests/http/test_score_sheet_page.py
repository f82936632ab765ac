"""The expert's panel page (issue 17): the declaration names the parties with their codes (item 12),
score-sheet refusals are listed in the summary box (item 13), the signature time is Beijing time (item 12)."""

from __future__ import annotations

import re
from html import unescape

import requests

from service.clock import SHANGHAI
from service.consortium.reviews import panels
from tests.support.pages import form_token, sign_in
from tests.support.procedure import MEMBERS, Walk


def _summary(html: str) -> str:
    found = re.search(r'id="error-summary">(.*?)</div>', html, re.S)
    assert found, "no error summary"
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def _browser(server, login: str) -> requests.Session:
    browser = requests.Session()
    base, call = server.base, browser.request
    browser.request = lambda m, u, *a, **k: call(  # type: ignore[method-assign]
        m, base + u if u.startswith("/") else u, *a, timeout=60, **k)
    assert sign_in(browser, login).status_code == 303
    return browser


def test_the_declaration_names_the_parties_with_their_codes(server):
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    drawn = panels.draw_panel(
        server.ctx, round_id=walk.round_id, application_no=walk.business_key, actor=walk.actor("city1")
    )
    page = _browser(server, drawn["drawn"][0]).get(f"/panels/{drawn['panelId']}").text
    parties = re.search(r'id="parties">(.*?)</ul>', page, re.S).group(1)
    for member in MEMBERS:
        assert f'<li data-code="{member["credit_code"]}">{member["name"]} <code>' in parties, parties
    assert "<li data-code" in parties.split("</li>")[0] and "—" not in parties


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

    browser = _browser(server, expert)
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
