"""Site-visit refusals in the browser (issue 17 item 11): a visit in the past and a second visit for one
application are refused beside the form with the reason; cancelling the first lets the clerk book again."""

from __future__ import annotations

from datetime import timedelta

from service.clock import SHANGHAI
from service.consortium.reviews import panels
from tests.expert_review.support import declare_all, open_round, walk_to_panel
from tests.support.procedure import Walk

from .conftest import ARTIFACTS


def book(page, site, round_id: int, day, starts: str = "09:30", ends: str = "11:30") -> None:
    page.goto(site.url(f"/rounds/{round_id}#visits"))
    page.fill("#visit-day", day.isoformat())
    page.fill("#visit-starts", starts)
    page.fill("#visit-ends", ends)
    page.fill("#visit-address", "青岛市崂山区科苑纬一路1号")
    with page.expect_navigation():
        page.click("#visit-form button[type=submit]")


def test_a_past_or_second_site_visit_is_refused_and_cancelling_frees_the_application(site):
    ctx = site.ctx
    walk = walk_to_panel(ctx, open_round(ctx, Walk(ctx), panel_reserves=0))
    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key,
                              actor=walk.actor("city1"))
    declare_all(ctx, walk, drawn["panelId"], drawn["drawn"])
    today = site.clock.now().astimezone(SHANGHAI).date()
    page = site.page_for("city1")

    book(page, site, walk.round_id, today - timedelta(days=1))
    problems = page.locator("#visit-problems")
    assert "不能预约过去的时间" in problems.inner_text()
    page.screenshot(path=str(ARTIFACTS / "site-visit-in-the-past-refused.png"), full_page=True)

    book(page, site, walk.round_id, today + timedelta(days=2))
    assert page.locator("#visit-problems").count() == 0
    visit = page.locator("#visits li[data-visit]").first
    visit_id = visit.get_attribute("data-visit")

    book(page, site, walk.round_id, today + timedelta(days=3))
    assert f"已预约现场考察 #{visit_id}" in page.locator("#visit-problems").inner_text()

    page.goto(site.url(f"/rounds/{walk.round_id}#visits"))
    page.fill(f"#cancel-reason-{visit_id}", "专家行程变更")
    with page.expect_navigation():
        page.click(f'li[data-visit="{visit_id}"] form.cancel-visit button')
    assert "现场考察已取消" in page.content()
    assert "已取消" in page.locator(f'li[data-visit="{visit_id}"]').inner_text()
    book(page, site, walk.round_id, today + timedelta(days=3))
    assert page.locator("#visit-problems").count() == 0
    assert page.locator("#visits li[data-visit]").count() == 2
