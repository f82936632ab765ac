"""Support measures and progress reports on a consortium's page in the browser (issue 14 items 10, 11):
the city clerk records an application scenario (refused first, naming the amount), the lead unit submits a
progress report, and the district clerk reads it. Screenshots in test-artifacts/."""

from __future__ import annotations

from tests.supervision.support import filed_consortium

from .conftest import ARTIFACTS

story: dict = {}


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_city_clerk_records_a_support_measure(site):
    _, story["id"] = filed_consortium(site.ctx, site.clock)
    page = site.page_for("city1")
    page.goto(site.url(f"/registry/{story['id']}"))
    assert "政策支持" in page.locator("#support-title").inner_text()
    page.click("#record-measure summary")
    page.select_option("#measure_kind", "scenario")
    page.fill("#measure_name", "港口自动化示范应用场景")
    page.fill("#measure_amount", "很多")
    with page.expect_navigation():
        page.click("#record-measure button.primary")
    assert "金额" in page.locator("#measure-problems").inner_text()
    assert page.locator("#measure_name").input_value() == "港口自动化示范应用场景"  # kept for correction
    page.fill("#measure_amount", "200")
    with page.expect_navigation():
        page.click("#record-measure button.primary")
    assert "支持措施已登记" in page.locator(".flash.ok").inner_text()
    row = page.locator("#support-measures tbody tr").first.inner_text()
    assert "应用场景" in row and "港口自动化示范应用场景" in row and "200" in row
    shot(page, "support-measure-recorded")


def test_the_lead_unit_reports_progress_and_the_district_reads_it(site):
    page = site.page_for("lead1")
    page.goto(site.url(f"/registry/{story['id']}"))
    assert "每 6 个月" in page.locator("#progress").inner_text()
    page.click("#submit-progress summary")
    page.fill("#progress_summary", "本期完成关键部件联合攻关，形成专利两项。")
    with page.expect_navigation():
        page.click("#submit-progress button.primary")
    assert "建设进展报告已报送" in page.locator(".flash.ok").inner_text()
    district = site.page_for("district1")
    district.goto(site.url(f"/registry/{story['id']}"))
    assert "形成专利两项" in district.locator("#progress-reports").inner_text()
    assert district.locator("#submit-progress").count() == 0
    shot(district, "progress-report-read-by-district")
