"""An evaluation entrusted to a third-party agency, in the browser (guideline 七（二）; issue 14 item 12): the
city clerk chooses the agency on the assignment task (from the register of agencies), the agency's user
finds it on its evaluation page, records a result (refused first: the grade contradicts the score), and
the page shows it recorded. Screenshots in test-artifacts/."""

from __future__ import annotations

from service.consortium.demo import AGENCY
from service.consortium.supervision import evaluations
from tests.supervision.support import SELF_REPORT, Steps, actor, filed_consortium
from tests.supervision.test_agencies import SETTINGS
from tests.support import documents

from .browser import fill, submit
from .conftest import ARTIFACTS

SUMMARY = "组织运行规范，但研发投入未达建设方案目标，成果转化不足"


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_agency_records_the_evaluation_entrusted_to_it(site):
    ctx = site.ctx
    filed_consortium(ctx, site.clock)
    opened = evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=SETTINGS)
    steps = Steps(ctx, opened["instances"][0])
    steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})

    city = site.page_for("city1")
    city.goto(site.url("/evaluation-agencies"))
    assert AGENCY[1] in city.locator("#agencies").inner_text()
    [assign] = steps.open("city1", "Task_AssignEvaluators")
    city.goto(site.url(f"/tasks/{assign.id}"))
    city.select_option('[name="evaluator_mode"]', "agency")
    city.select_option('[name="agency"]', AGENCY[0])
    submit(city)
    assert city.locator("#error-summary").count() == 0, city.locator("#error-summary").inner_text()

    page = site.page_for("agency1")
    page.goto(site.url("/agency-evaluations"))
    row = page.locator("#agency-evaluations tbody tr[data-status=assigned]")
    assert row.count() == 1 and "2026年度创新联合体绩效评价" in row.inner_text()
    shot(page, "agency-evaluations-assigned")
    with page.expect_navigation():
        row.locator("a.button").click()
    fill(page, {"agency_score": "55", "agency_grade": "pass", "agency_summary": SUMMARY,
                "agency_signed": True})
    page.set_input_files('[name="agency_report"]', files=[
        {"name": "评估报告.pdf", "mimeType": "application/pdf", "buffer": documents.pdf()}])
    submit(page)
    assert "应为“不合格”" in page.locator("#f-agency_grade-error").inner_text()
    assert "评估报告.pdf" in page.locator(".uploaded").inner_text()  # the report is kept: not sent again
    fill(page, {"agency_grade": "fail"})
    submit(page)
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()

    page.goto(site.url("/agency-evaluations"))
    done = page.locator("#agency-evaluations tbody tr[data-status=recorded]")
    assert done.count() == 1
    text = done.inner_text()
    assert "不合格" in text and "55" in text and "评估报告.pdf" in text
    assert done.locator("a.button").count() == 0  # recorded: nothing left to do
    shot(page, "agency-evaluations-recorded")
    lead = site.page_for("lead1")
    lead.goto(site.url("/agency-evaluations"))
    assert lead.locator("#agency-evaluations").count() == 0  # not the lead unit's to read
