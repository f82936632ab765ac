"""report-users findings 10 and 11 on the seeded demo: one language per page (inbox step filter, case file
headings and recorded choices), 409/403 messages without raw ids, member-change rows with their
consortium, and no navigation link a role cannot use."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from service.actors import Actor
from service.engine.instances import check_may_start
from service.errors import Forbidden
from tests.support.pages import sign_in

from .crawl import CJK, Client, Page
from .test_demo_newcomer import demo  # noqa: F401  (the module's fixture)

REASON = {"reason": "调整成员单位结构"}


def _client(base: str, login: str, lang: str = "zh") -> Client:
    client = Client(base)
    assert sign_in(client, login).status_code == 303
    client.get(f"/lang/{lang}")
    return client


def _lead_and_consortia(base: str, status: str) -> tuple[Client, list[dict]]:
    """lead1's client (signed in, with Basic auth for /api) and its unit's consortia in `status` (some)."""
    lead = _client(base, "lead1")
    lead.auth = ("lead1", "demo1234")
    found = [c for c in lead.get("/api/consortia").json() if c["status"] == status]
    assert found
    return lead, found


def test_the_english_inbox_names_its_steps_in_english(demo):  # noqa: F811
    base, _ = demo
    html = _client(base, "city1", "en").get("/?view=all").text
    select = re.search(r'<select name="step">(.*?)</select>', html, re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))
    assert len(options) > 2 and [o for o in options if CJK.search(o)] == []


def test_the_case_file_speaks_one_language(demo):  # noqa: F811
    base, _ = demo
    english = _client(base, "city1", "en").get("/casefile/CXLHT-2026-0002").text
    headings = re.findall(r'<h4 data-section="[^"]+">([^<]*)</h4>', english)
    assert headings and all(re.match(r"\d\. [A-Z]", h) for h in headings), headings
    chinese = _client(base, "city1").get("/casefile/CXLHT-2026-0002").text
    page = Page()
    page.feed(chinese)
    assert "居民身份证" in chinese and "Resident identity card" not in chinese
    assert not [t for t in page.text if re.search(r"[\u4e00-\u9fff] / [A-Z][a-z]", t)]


def test_a_refusal_names_states_and_groups_in_words(demo):  # noqa: F811
    base, _ = demo
    lead, draft = _lead_and_consortia(base, "draft")
    refused = lead.post(f"/api/consortia/{draft[0]['id']}/member-changes", json=REASON)
    assert refused.status_code == 409
    message = refused.json()["message"]
    assert "draft" not in message and "申报中" in message and "Being prepared" in message
    definition = SimpleNamespace(starter_groups="applicant", starter_users="")
    with pytest.raises(Forbidden) as refused_start:
        check_may_start(definition, Actor("member1", frozenset({"member"})))
    assert str(refused_start.value) == "无权发起该流程，仅限牵头单位 / Only Lead unit may start this process"


def test_member_change_rows_name_their_consortium(demo):  # noqa: F811
    base, _ = demo
    lead, filed = _lead_and_consortia(base, "filed")
    started = lead.post(f"/api/consortia/{filed[0]['id']}/member-changes", json=REASON)
    assert started.status_code == 201, started.text
    number = started.json()["businessKey"]
    for login in ("lead1", "city1"):
        html = _client(base, login).get(f"/?view=all&q={number}").text
        row = re.search(rf"<tr data-element[^>]*>\s*<td><a [^>]*>{number}</a></td>\s*<td>([^<]*)</td>\s*"
                        r"<td>([^<]*)</td>", html)
        if row:
            assert row.group(1) == filed[0]["name"] and row.group(2) not in ("—", ""), row.groups()
            return
    raise AssertionError(f"no inbox row of {number}")


def test_navigation_offers_what_the_role_can_use(demo):  # noqa: F811
    base, _ = demo
    assert 'href="/my-applications"' not in _client(base, "agency1").get("/").text
    assert 'href="/my-applications"' in _client(base, "lead1").get("/").text
