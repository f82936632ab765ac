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


def test_a_future_visit_report_and_a_sheet_signed_before_the_defense_are_refused(site):
    from datetime import datetime

    from service.consortium.reviews import scheduling
    from tests.pages.browser import complete, fill, open_task, submit
    from tests.support.procedure import FORMS

    ctx = site.ctx
    walk = walk_to_panel(ctx, open_round(ctx, Walk(ctx), panel_reserves=0))
    walk.draw_and_declare()
    for login in walk.panel:
        walk.do("Task_DeskReview", login=login)
    today = site.clock.now().astimezone(SHANGHAI).date()

    page = open_task(site, "city1", "Task_SiteVisitReport")
    fill(page, {**FORMS["Task_SiteVisitReport"], "visit_date": (today + timedelta(days=1)).isoformat()})
    submit(page)
    assert f"今天是 {today.isoformat()}" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "site-visit-report-in-the-future-refused.png"), full_page=True)
    complete(site, "Task_SiteVisitReport", {**FORMS["Task_SiteVisitReport"],
                                            "visit_date": today.isoformat()})

    starts = datetime.combine(today + timedelta(days=2), datetime.min.time(), SHANGHAI).replace(hour=9)
    scheduling.schedule_defense(
        ctx, actor=walk.actor("city1"), round_id=walk.round_id, room="第一会议室", starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        slots=[{"application_no": walk.business_key, "starts_at": starts,
                "ends_at": starts + timedelta(hours=1)}],
    )
    expert = site.page_for(walk.panel[0])
    expert.goto(site.url(f"/panels/{walk.panel_id}#sheet"))
    for key, item in FORMS["Task_DefenseScoring"].items():
        expert.fill(f'[name="score.{key}"]', str(item["score"]))
        expert.fill(f'[name="comment.{key}"]', item["comment"])
    expert.fill("#sheet-signature", walk.panel[0])
    with expert.expect_navigation():
        expert.click("button[value=sign]")
    summary = expert.locator("#error-summary").inner_text()
    assert "开始前不能签署评分表" in summary and starts.strftime("%Y-%m-%d %H:%M") in summary
    expert.screenshot(path=str(ARTIFACTS / "score-sheet-before-defense-refused.png"), full_page=True)


def test_drawing_a_panel_short_of_reserves_shows_a_warning(site):
    ctx = site.ctx
    walk = walk_to_panel(ctx, open_round(ctx, Walk(ctx), panel_reserves=2))  # the pool has 5 experts
    page = site.page_for("city1")
    page.goto(site.url(f"/rounds/{walk.round_id}"))
    with page.expect_navigation():
        page.locator(f'form:has(input[value="{walk.business_key}"]) button[type=submit]').click()
    warning = page.locator("p.flash.warn")
    assert warning.count() == 1 and "候补专家只抽到 0 名，少于设定的 2 名" in warning.inner_text()
    page.screenshot(path=str(ARTIFACTS / "panel-drawn-short-of-reserves.png"), full_page=True)


def test_selection_while_an_application_is_still_under_review_is_refused_on_the_round_page(site):
    ctx = site.ctx
    scored = walk_to_panel(ctx, open_round(ctx, Walk(ctx), panel_reserves=0))
    scored.expert_review()  # scored: ranked
    pending = Walk(ctx)
    pending.round_id = scored.round_id
    pending.start()
    pending.prepare_and_submit()  # submitted into the same round, still at the district review
    page = site.page_for("city1")
    page.goto(site.url(f"/rounds/{scored.round_id}#selection"))
    with page.expect_navigation():
        page.click("#selection-form button[type=submit]")
    problems = page.locator("#selection-problems").inner_text()
    assert "以下申请尚未完成评审" in problems and pending.business_key in problems
    page.screenshot(path=str(ARTIFACTS / "selection-while-under-review-refused.png"), full_page=True)
