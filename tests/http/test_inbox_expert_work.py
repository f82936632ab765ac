"""Experts' work in the inbox like everyone's (issue 17 item 4): a declaration still to sign, then the
desk review, each linking to the panel page; other experts' work never shows."""

from __future__ import annotations

from service.consortium.reviews import panels
from tests.support.pages import sign_in
from tests.support.procedure import Walk


def test_declarations_then_desk_reviews_appear_in_the_experts_inbox_with_the_panel_link(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key,
                              actor=walk.actor("city1"))
    panel_id, seated = drawn["panelId"], drawn["drawn"][:5]
    expert = seated[0]
    api = server.client(expert).get("/api/inbox").json()
    assert [d["panelId"] for d in api["declarations"]] == [panel_id]
    assert api["declarations"][0]["applicationNo"] == walk.business_key
    assert api["counts"]["mine"] == 1 and api["total"] == 1 and api["items"] == []
    browser = server.client(None)
    assert sign_in(browser, expert).status_code == 303
    page = browser.get("/").text
    assert f'data-panel="{panel_id}"' in page and f'href="/panels/{panel_id}"' in page and "签署声明" in page
    assert server.client("city1").get("/api/inbox").json()["declarations"] == []

    for login in seated:
        panels.declare(ctx, panel_id=panel_id, actor=walk.actor(login), no_conflict=True,
                       statement="本人与申报单位无利益冲突", signature=login)
    api = server.client(expert).get("/api/inbox").json()
    assert api["declarations"] == []
    [desk] = api["items"]
    assert desk["elementId"] == "Task_DeskReview" and desk["panelId"] == panel_id and desk["mayTake"]
    page = browser.get("/").text
    assert 'data-element="Task_DeskReview"' in page
    assert f'class="panel-link" href="/panels/{panel_id}"' in page
