"""The supervision section of a consortium's page in the browser (issue 14, item 9): the lead unit records
a project, the city clerk makes a credit-record entry (refused first, naming the field), and both show on
the consortium's page afterwards. Screenshots in test-artifacts/."""

from __future__ import annotations

from service.consortium.demo import ORGANISATIONS
from tests.supervision.support import filed_consortium

from .conftest import ARTIFACTS

story: dict = {}
MEMBER = ORGANISATIONS[1]


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_filed_consortium_shows_its_supervision_section(site):
    _, story["id"] = filed_consortium(site.ctx, site.clock)
    page = site.page_for("lead1")
    page.goto(site.url(f"/registry/{story['id']}"))
    assert "监管" in page.locator("#supervision-title").inner_text()
    assert page.locator("#record-project").count() == 1 and page.locator("#integrity-entry").count() == 0


def test_the_lead_unit_records_a_project(site):
    page = site.page_for("lead1")
    page.goto(site.url(f"/registry/{story['id']}"))
    page.click("#record-project summary")
    page.fill("#project_no", "2026ZDYF003")
    page.fill("#project_name", "深海装备耐压结构联合攻关")
    page.select_option("#level", "provincial")
    page.fill("#started_on", "2026-03-01")
    with page.expect_navigation():
        page.click("#record-project button.primary")
    assert "承担项目已登记" in page.locator(".flash.ok").inner_text()
    row = page.locator("#projects tbody tr").first.inner_text()
    assert "2026ZDYF003" in row and "深海装备耐压结构联合攻关" in row and "省级" in row
    shot(page, "supervision-project-recorded")


def test_the_city_clerk_makes_a_credit_entry(site):
    page = site.page_for("city1")
    page.goto(site.url(f"/registry/{story['id']}"))
    assert "2026ZDYF003" in page.locator("#projects").inner_text()  # the clerk sees the lead's project
    page.click("#integrity-entry summary")
    page.fill("#subject_id", MEMBER[0])
    page.fill("#subject_name", MEMBER[1])
    page.select_option("#record_type", "dishonesty")
    page.fill("#description", "项目验收材料中提供虚假测试报告")
    page.fill("#decision_document", "青科字〔2026〕42号")
    page.check("input[name=restricts]")
    with page.expect_navigation():
        page.click("#integrity-entry button.primary")
    problems = page.locator("#integrity-problems").inner_text()
    assert "限制截止日期" in problems and "须有截止日期" in problems
    assert page.locator("#decision_document").input_value() == "青科字〔2026〕42号"  # kept for correction
    shot(page, "supervision-credit-entry-refused")

    page.fill("#restriction_until", "2029-03-01")
    with page.expect_navigation():
        page.click("#integrity-entry button.primary")
    assert "已记入科研信用档案" in page.locator(".flash.ok").inner_text()
    row = page.locator("#integrity-records tbody tr").first.inner_text()
    assert MEMBER[1] in row and "青科字〔2026〕42号" in row and "2029-03-01" in row
    shot(page, "supervision-credit-entry-made")


def test_both_show_on_the_consortium_page_afterwards(site):
    lead = site.page_for("lead1")
    lead.goto(site.url(f"/registry/{story['id']}"))
    assert "2026ZDYF003" in lead.locator("#projects").inner_text()
    assert lead.locator("#integrity-records").count() == 0  # the credit record is the bureau's
    city = site.page_for("city1")
    city.goto(site.url(f"/registry/{story['id']}"))
    assert "2026ZDYF003" in city.locator("#projects").inner_text()
    assert "青科字〔2026〕42号" in city.locator("#integrity-records").inner_text()
    city.click("text=English")
    assert "Supervision" in city.locator("#supervision-title").inner_text()
    assert "Research credit record" in city.locator("#supervision").inner_text()
    shot(city, "supervision-section-english")
    city.click("text=中文")
