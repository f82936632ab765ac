"""The inbox with a search and filters applied, the notifications page with its unread count, and
我的申请, in the browser, in Chinese and in English (issue 17 items 3, 5, 6, 8); screenshots go to
test-artifacts/ as the other page tests' do."""

from __future__ import annotations

from service.engine.notifications import notify
from tests.support.procedure import FORMS, MEMBERS, Walk

from .conftest import ARTIFACTS

NAMES = ["青岛海洋装备创新联合体", "青岛智能制造创新联合体", "青岛新材料创新联合体"]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _english(page, english: bool) -> None:
    """Switch the page's language with the header's link, as a reader would."""
    wanted = "en" if english else "zh-CN"
    if page.locator("html").get_attribute("lang") != wanted:
        page.locator("header .who a[lang]").first.click()
        page.wait_for_load_state()


def test_inbox_with_a_filter_notifications_and_my_applications(site):
    walks = []
    for name in NAMES:
        walk = Walk(site.ctx)
        walk.start()
        walk.do("Task_Initiate", {**FORMS["Task_Initiate"], "consortium_name": name})
        walks.append(walk)
        site.clock.advance(hours=5)
    walks[0].do("Task_InviteMembers")  # now waiting on the member units
    with site.ctx.unit_of_work() as uow:
        for subject in ("成员单位确认即将到期 / Member confirmation due soon",
                        "区级审核意见已反馈 / The district replied"):
            notify(site.ctx, uow.session, ["lead1"], kind="task_due", subject=subject,
                   body="请登录系统处理 / Please sign in to act", now=site.ctx.now(),
                   instance_id=walks[0].instance_id)
        uow.commit()

    page = site.page_for("lead1")
    page.goto(site.url("/"))
    assert page.locator("#tasks tbody tr[data-task]").count() == 2  # my tasks: the applicant group's work
    assert page.locator("#unread-count").inner_text() == "2"
    page.fill('input[name="q"]', "智能制造")
    page.select_option('select[name="step"]', "Task_InviteMembers")
    with page.expect_navigation():
        page.click("#inbox-filters button[type=submit]")
    rows = page.locator("#tasks tbody tr[data-task]")
    assert rows.count() == 1 and NAMES[1] in rows.first.inner_text()
    assert "已等待" in rows.first.locator("td.waiting").inner_text()
    assert "第 1 / 1 页，共 1 条" in page.locator("#inbox-total").inner_text()
    with page.expect_navigation():
        page.click('th[data-column="consortium"] a')  # sort by a column, the filters kept
    assert "q=" in page.url and "sort=consortium" in page.url and rows.count() == 1
    shot(page, "inbox-filtered-zh")
    _english(page, True)
    assert page.locator("h1").inner_text() == "Inbox" and "waiting" in rows.first.inner_text()
    assert "Page 1 of 1, 1 in all" in page.locator("#inbox-total").inner_text()
    shot(page, "inbox-filtered-en")

    page.click("#notifications-link")
    page.wait_for_selector("#notifications")
    assert page.locator("tr.unread").count() == 2 and "2 unread" in page.locator("h1").inner_text()
    assert "The district replied" in page.locator("#notifications").inner_text()
    shot(page, "notifications-en")
    _english(page, False)
    assert "2 条未读" in page.locator("h1").inner_text()
    assert "区级审核意见已反馈" in page.locator("#notifications").inner_text()
    shot(page, "notifications-zh")
    with page.expect_navigation():
        page.locator("tr.unread button").first.click()
    assert page.locator("tr.unread").count() == 1 and page.locator("#unread-count").inner_text() == "1"

    page.click("text=我的申请")
    page.wait_for_selector("#my-applications")
    row = page.locator(f'tr[data-application="{walks[0].business_key}"]')
    assert row.locator("td.stage").inner_text() == "申报中"
    assert f"{MEMBERS[0]['name']} 成员单位" in row.locator("td.waiting").inner_text()
    assert page.locator("#my-applications tbody tr[data-application]").count() == 3
    shot(page, "my-applications-zh")
    _english(page, True)
    assert row.locator("td.stage").inner_text() == "Being prepared"
    assert "Member unit" in row.locator("td.waiting").inner_text()
    shot(page, "my-applications-en")
    _english(page, False)

    member = site.page_for("member1")
    member.goto(site.url("/my-applications"))
    assert member.locator("#my-applications tbody tr[data-application]").count() == 1
