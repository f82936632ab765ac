"""Delegation in the browser (issue 17 item 7): the city clerk holding the formal review delegates it to
a colleague with a comment; the colleague finds it in the inbox marked 委托, fills the form in and gives
it back; the clerk finds it back prefilled, marked 委托已交回, and completes it. Screenshots go to
test-artifacts/."""

from __future__ import annotations

from tests.support.procedure import Walk

from .browser import fill
from .conftest import ARTIFACTS

OPINION = "形式审查通过：材料齐全，成员资质经核实无误"


def test_a_clerk_delegates_the_review_and_completes_it_once_resolved(site):
    walk = Walk(site.ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    [task] = walk.tasks_of("city1", "Task_CityReview")

    city1 = site.page_for("city1")
    city1.goto(site.url(f"/tasks/{task.id}"))
    assert city1.locator("#delegate").count() == 0  # not claimed: only its holder delegates
    city1.goto(site.url("/?view=all&step=Task_CityReview"))
    with city1.expect_navigation():
        city1.locator(f'tr[data-task="{task.id}"] form.inline button').click()
    city1.goto(site.url(f"/tasks/{task.id}"))
    options = city1.locator("#delegate select[name=user_id] option").all_inner_texts()
    assert any("city2" in o for o in options) and not any("district1" in o for o in options)
    city1.select_option("#delegate select[name=user_id]", "city2")
    city1.fill("#delegate input[name=message]", "请代为形式审查，核实成员资质")
    with city1.expect_navigation():
        city1.click("#delegate button[type=submit]")
    assert "已委托 市科技局 复核人 办理" in city1.locator("main").inner_text()
    city1.goto(site.url("/"))  # the owner follows what it delegated in its own inbox (users report 11)
    waiting = city1.locator(f'tr[data-task="{task.id}"]')
    assert "已委托 市科技局 复核人 办理，待其交回" in waiting.inner_text()

    city2 = site.page_for("city2")
    city2.goto(site.url("/"))
    row = city2.locator(f'tr[data-task="{task.id}"]')
    assert row.locator('[data-delegation="PENDING"]').inner_text() == "委托"
    city2.screenshot(path=str(ARTIFACTS / "inbox-delegated-zh.png"))
    with city2.expect_navigation():
        row.locator("a.button").click()
    assert "市科技局 经办人 委托您办理" in city2.locator("#delegation").inner_text()
    assert "请代为形式审查" in city2.locator("#task-comments").inner_text()
    with city2.expect_navigation():  # an empty form is not handed back (users report 4)
        city2.click("button[value=resolve]")
    assert city2.locator("#error-summary").count() == 1
    assert walk.tasks_of("city2", "Task_CityReview")[0].delegation_state == "PENDING"
    fill(city2, {"city_decision": "accept", "city_opinion": OPINION})
    with city2.expect_navigation():
        city2.click("button[value=resolve]")
    assert "已交回 市科技局 经办人" in city2.locator("main").inner_text()
    assert walk.open_steps() == ["Task_CityReview"]

    city1.goto(site.url("/"))
    back = city1.locator(f'tr[data-task="{task.id}"]')
    assert back.locator('[data-delegation="RESOLVED"]').inner_text() == "委托已交回"
    with city1.expect_navigation():
        back.locator("a.button").click()
    assert "被委托人已办理并交回" in city1.locator("#delegation").inner_text()
    assert city1.locator('[name="city_opinion"]').input_value() == OPINION
    city1.screenshot(path=str(ARTIFACTS / "task-resolved-back-zh.png"))
    with city1.expect_navigation():
        city1.click("button[value=complete]")
    assert city1.locator("#error-summary").count() == 0
    assert "Task_CityReview" not in walk.open_steps()

    city1.goto(site.url(f"/applications/{walk.instance_id}"))
    history = city1.locator("main").inner_text()
    assert "委托给 city2" in history and "交回 city1" in history
