"""/api/inbox and the inbox page (issue 17 item 3): search, filters, sorting by any column, real pages,
"my tasks" including group work, all scoped to what the caller may see; bad parameters are 400."""

from __future__ import annotations

import pytest

from service.actors import SYSTEM
from service.consortium.demo import ORGANISATIONS
from service.engine import identities, instances
from tests.support.pages import sign_in
from tests.support.procedure import FORMS, Walk

NAMES = ["青岛海洋装备创新联合体", "青岛智能制造创新联合体", "青岛新材料创新联合体"]
OTHER_NAME = "即墨工业软件创新联合体"


def _started(ctx, login: str, name: str | None) -> Walk:
    walk = Walk(ctx)
    started = instances.start_instance(ctx, key="consortium_recommendation", actor=walk.actor(login))
    walk.instance_id, walk.business_key = started.id, started.business_key
    if name:
        walk.do("Task_Initiate", {**FORMS["Task_Initiate"], "consortium_name": name}, login=login)
    return walk


@pytest.fixture
def applications(ctx):
    """Three applications of lead1 (海智装备, 崂山区), one of another organisation's applicant."""
    identities.add_user(ctx, user_id="lead2", password="demo1234", groups=["applicant"],
                        display_name="即墨工业软件 申报员", org_credit_code=ORGANISATIONS[4][0],
                        district="即墨区", actor=SYSTEM)
    walks = []
    for name in NAMES:
        walks.append(_started(ctx, "lead1", name))
        ctx.clock.advance(hours=1)
    other = _started(ctx, "lead2", OTHER_NAME)
    return walks, other


def _items(client, **params) -> dict:
    answer = client.get("/api/inbox", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_my_tasks_hold_group_work_and_never_another_organisations(ctx, server, applications):
    walks, other = applications
    lead = server.client("lead1")
    mine = _items(lead)
    assert mine["total"] == 3 and mine["counts"]["mine"] == 3  # offered to the applicant group of 海智装备
    assert {i["applicationNo"] for i in mine["items"]} == {w.business_key for w in walks}
    assert all(i["leadUnit"] == ORGANISATIONS[0][1] and i["mayTake"] for i in mine["items"])
    assert _items(lead, view="all", q=OTHER_NAME)["total"] == 0
    assert _items(lead, view="all", q=other.business_key)["total"] == 0
    assert _items(server.client("lead2"), view="all")["total"] == 1
    everything = _items(server.client("city1"), view="all")  # the city bureau oversees every application
    assert everything["total"] == 4 and everything["counts"]["mine"] == 0
    assert not any(i["mayTake"] for i in everything["items"])  # seen, but not the city's to take


def test_search_by_number_name_and_lead_unit(ctx, server, applications):
    walks, other = applications
    city = server.client("city1")
    assert [i["consortium"] for i in _items(city, view="all", q="智能制造")["items"]] == [NAMES[1]]
    assert [i["id"] for i in _items(city, view="all", q=walks[2].business_key.lower())["items"]] == [
        walks[2].tasks_of("lead1")[0].id
    ]
    assert _items(city, view="all", q="海智")["total"] == 3  # the lead unit's name
    assert _items(city, view="all", q="即墨工业")["total"] == 1
    assert _items(city, view="all", q="100%")["total"] == 0  # LIKE wildcards are literal


def test_sorting_by_any_column_is_stable_and_pages_cover_every_row_once(ctx, server, applications):
    city = server.client("city1")
    numbers = [i["applicationNo"] for i in _items(city, view="all", sort="number")["items"]]
    assert numbers == sorted(numbers)
    assert [i["applicationNo"] for i in _items(city, view="all", sort="number", order="desc")["items"]] == (
        numbers[::-1]
    )
    by_name = [i["consortium"] for i in _items(city, view="all", sort="consortium")["items"]]
    assert by_name == sorted(by_name)
    waited = [i["created"] for i in _items(city, view="all", sort="waiting", order="desc")["items"]]
    assert waited == sorted(waited, reverse=True)
    for column in ("lead", "step", "district", "due"):  # equal values: the tiebreak keeps pages apart
        pages = [_items(city, view="all", sort=column, size=3, page=p) for p in (1, 2)]
        assert pages[0]["total"] == 4 and [len(p["items"]) for p in pages] == [3, 1]
        seen = [i["id"] for p in pages for i in p["items"]]
        assert sorted(seen) == sorted(i["id"] for i in _items(city, view="all")["items"]), column
    assert _items(city, view="all", page=3, size=3)["items"] == []


def test_claim_and_due_filters(ctx, server, applications):
    walks, _ = applications
    lead = server.client("lead1")
    task_id = walks[0].tasks_of("lead1")[0].id
    assert lead.post(f"/engine-rest/task/{task_id}/claim", json={"userId": "lead1"}).status_code == 204
    assert [i["id"] for i in _items(lead, claimed="me")["items"]] == [task_id]
    assert _items(lead, claimed="unassigned")["total"] == 2
    assert _items(lead, claimed="groups")["total"] == 2
    assert _items(lead)["total"] == 3  # mine: claimed by me and my group's unclaimed work
    assert _items(lead, due="none")["total"] == 3
    assert _items(lead, due="overdue")["total"] == 0


def test_the_district_sees_its_review_with_its_due_date_and_no_other_district(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    district = server.client("district1")
    [row] = _items(district)["items"]
    assert row["elementId"] == "Task_DistrictReview" and row["district"] == "崂山区" and row["due"]
    assert _items(district, due="week")["total"] == 0  # due in ten days
    assert _items(server.client("district2"), view="all")["total"] == 0
    ctx.clock.advance(days=5)
    assert _items(district, due="week")["total"] == 1 and _items(district, due="today")["total"] == 0
    ctx.clock.advance(days=6)
    assert _items(district, due="overdue")["total"] == 1 and _items(district, due="week")["total"] == 0
    assert _items(district, view="overdue", district="城阳区")["total"] == 0


@pytest.mark.parametrize(
    "params, field",
    [
        ({"sort": "password"}, "sort"),
        ({"order": "sideways"}, "order"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"size": "101"}, "size"),
        ({"size": "-1"}, "size"),
        ({"view": "everyone"}, "view"),
        ({"due": "yesterday"}, "due"),
        ({"claimed": "them"}, "claimed"),
        ({"round": "20x6"}, "round"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(ctx, server, params, field):
    answer = server.client("city1").get("/api/inbox", params=params)
    assert answer.status_code == 400, answer.text
    assert field in answer.json()["fields"]


def test_the_inbox_page_searches_filters_sorts_and_pages(ctx, server, applications):
    walks, _ = applications
    browser = server.client(None)
    assert sign_in(browser, "lead1").status_code == 303
    page = browser.get("/", params={"q": "智能制造"})
    assert page.status_code == 200
    assert NAMES[1] in page.text and NAMES[0] not in page.text and 'data-total="1"' in page.text
    assert ORGANISATIONS[0][1] in page.text  # the lead unit column
    paged = browser.get("/", params={"size": 2, "sort": "number", "order": "desc"})
    assert paged.text.count('data-task=') == 2 and "第 1 / 2 页，共 3 条" in paged.text
    assert walks[0].business_key not in paged.text.split('id="tasks"')[1].split("</table>")[0]
    assert browser.get("/", params={"sort": "nope"}).status_code == 400
    assert "已等待" in page.text  # the waiting column says since when, not which group
