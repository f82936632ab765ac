"""The expert-group opinion (专家组意见) as a page and a PDF (issue 13 items 4 and 5), over HTTP.

The panel leader generates it from the signed sheets and confirms and signs it on the panel page; another
expert reads it there but cannot sign; the city clerk reads it from the case file; the lead unit cannot
see it before the results are published (reviewer secrecy); the PDF is A4 with the application number
on every page, the font embedded, and its hash registered for /verify and audited.
"""

from __future__ import annotations

import re
import secrets

from tests.support.pages import log_in

from .test_documents import check_pdf
from .test_findings import reviewed
from .test_idempotency import tokens
from .test_reviewer_secrecy import named


def signed_in(server, login: str):
    client = server.client(login)
    client.auth = None  # the pages read the signed-in session, not HTTP Basic
    assert log_in(client, login).status_code == 303
    return client


def csrf(html: str) -> dict[str, str]:
    """A forged post's tokens: the session's CSRF token and a fresh idempotency token."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return {"csrf_token": token, "idem": secrets.token_urlsafe(24)}


def test_the_leader_generates_confirms_and_signs_on_the_panel_page(ctx, server):
    walk = reviewed(ctx, not_recommending=1)
    page_path = f"/panels/{walk.panel_id}"
    leaders = [login for login in walk.panel
               if 'id="opinion-generate"' in signed_in(server, login).get(page_path).text]
    assert len(leaders) == 1, leaders  # only the leader is offered the button
    [leader] = leaders
    other = next(login for login in walk.panel if login != leader)

    lead_page = signed_in(server, leader)
    page = lead_page.get(page_path).text
    generate = f"/panels/{walk.panel_id}/opinion"
    done = lead_page.post(generate, data=tokens(page, generate), allow_redirects=False)
    assert done.status_code == 303, done.text[:500]

    # another expert reads the unsigned opinion but cannot sign it
    colleague = signed_in(server, other)
    seen = colleague.get(page_path).text
    assert 'id="panel-opinion"' in seen and 'data-signed="no"' in seen and "待专家组组长确认签署" in seen
    confirm = f"/panels/{walk.panel_id}/opinion/confirm"
    assert 'id="opinion-confirm"' not in seen
    opinion_page = colleague.get(f"/casefile/{walk.business_key}/opinion").text
    assert re.search("专家[一二三四五]", opinion_page)  # colleagues are numbered, never named (secrecy)
    assert not named(opinion_page, [e for e in walk.panel if e != other])
    assert not named(seen[seen.index('id="opinion"'):], [e for e in walk.panel if e != other])
    refused = colleague.post(confirm, data={**csrf(seen), "signature": other}, allow_redirects=False)
    assert refused.status_code == 403

    page = lead_page.get(page_path).text
    assert 'id="opinion-confirm"' in page and "建议推荐备案" in page
    assert "书面审查 5 位专家中 1 位不推荐" in page
    blank = lead_page.post(confirm, data={**tokens(page, confirm), "signature": " "}, allow_redirects=False)
    assert blank.status_code == 422 and "必填" in blank.text
    page = lead_page.get(page_path).text
    signed = lead_page.post(confirm, data={**tokens(page, confirm), "signature": f"组长 {leader}"},
                            allow_redirects=False)
    assert signed.status_code == 303, signed.text[:500]
    page = lead_page.get(page_path).text
    assert 'data-signed="yes"' in page and f"组长 {leader}" in page and 'id="opinion-confirm"' not in page

    # the city clerk reads it from the case file, and as its own page
    city = signed_in(server, "city1")
    casefile = city.get(f"/casefile/{walk.business_key}").text
    assert 'id="opinion-link"' in casefile and 'data-form="panel_opinion"' in casefile
    shown = city.get(f"/casefile/{walk.business_key}/opinion")
    assert shown.status_code == 200 and f"组长 {leader}" in shown.text and "综合得分" in shown.text


def test_the_lead_unit_and_district_see_it_only_after_publication(ctx, server):
    walk = reviewed(ctx)
    server.client("city1").post(f"/api/panels/{walk.panel_id}/opinion")
    for login in ("lead1", "district1"):
        client = signed_in(server, login)
        assert client.get(f"/casefile/{walk.business_key}/opinion").status_code == 404, login
        assert client.get(f"/casefile/{walk.business_key}/opinion.pdf").status_code == 404, login
        casefile = client.get(f"/casefile/{walk.business_key}")
        assert casefile.status_code == 200 and "专家组意见" not in casefile.text, login
    walk.select()  # the results are published
    shown = signed_in(server, "lead1").get(f"/casefile/{walk.business_key}/opinion")
    assert shown.status_code == 200 and "建议推荐备案" in shown.text


def test_the_opinion_pdf(ctx, server):
    walk = reviewed(ctx)
    city = server.client("city1")
    city.post(f"/api/panels/{walk.panel_id}/opinion")
    leader = city.post(f"/api/panels/{walk.panel_id}/opinion").json()["leader"]
    assert server.client(leader).post(f"/api/panels/{walk.panel_id}/opinion/confirm",
                                      json={"signature": f"组长 {leader}"}).status_code == 200
    reader = signed_in(server, "city1")
    response = reader.get(f"/casefile/{walk.business_key}/opinion.pdf")
    check_pdf(server, response, walk.business_key, "专家组意见", "综合得分", "建议推荐备案", "专家组组长",
              f"组长 {leader}", "各专家评分")
    listed = reader.get(f"/casefile/{walk.business_key}").text
    assert 'data-kind="panel_opinion"' in listed  # in the case file's issued documents
    verified = server.client(None).get(f"/verify/{response.headers['X-Document-SHA256']}")
    assert verified.status_code == 200 and "专家组意见" in verified.text
