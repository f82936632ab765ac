"""The district clerk reviews with the case file beside the form (issue 13 item 1), in real Chromium.

Screenshots of the review page and the case-file page, the case file's PDF and a PNG of its first page
are saved under test-artifacts/ (the PNG needs pypdfium2; without it only the PDF is kept).
"""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.support.procedure import FORMS, MEMBERS, Walk

from .browser import fill, open_task, submit
from .conftest import ARTIFACTS

CLAUSES = FORMS["Task_SignAgreement"]["agreement"]
PLAN = FORMS["Task_DraftPlan"]["plan"]
SECTIONS = (
    "建设意义及基础优势", "组织架构及运行机制", "目标任务及进度安排", "预期标志性成果及水平",
    "经费投入与保障措施",
)
story: dict = {}


def test_the_district_clerk_sees_members_clauses_and_plan_beside_the_form(site):
    walk = Walk(site.ctx)
    walk.start()
    walk.prepare_and_submit()
    story["no"] = walk.business_key

    page = open_task(site, "district1", "Task_DistrictReview")
    side = page.locator("aside.casefile-side")
    form = page.locator("form button[value=complete]")
    assert side.is_visible() and form.is_visible()
    beside, form_box = side.bounding_box(), page.locator("section.card.form").bounding_box()
    assert beside["x"] + beside["width"] <= form_box["x"] + 1, "the case file is not beside the form"
    members = side.locator("#cf-members").inner_text()
    for member in MEMBERS:
        assert member["name"] in members and member["credit_code"] in members
    assert "青岛海智装备科技有限公司" in members
    for key in ("innovation_goals", "task_division", "ip_ownership", "breach_liability"):
        clause = side.locator(f'#cf-agreement [data-clause="{key}"]')
        clause.scroll_into_view_if_needed()
        assert clause.is_visible() and clause.inner_text() == CLAUSES[key]
    plan = side.locator("#cf-plan")
    for title in SECTIONS:
        assert title in plan.inner_text()
    for key in ("significance", "goals", "funding"):
        assert PLAN[key] in plan.inner_text()
    side.evaluate("e => e.scrollTop = 0")
    page.screenshot(path=str(ARTIFACTS / "casefile-review-page.png"), full_page=False)

    opinion = "成员结构、协议条款和建设方案齐全，同意推荐"
    fill(page, {"district_decision": "approve", "district_opinion": opinion})
    submit(page)
    assert page.locator("#error-summary").count() == 0


def test_the_case_file_page_and_its_pdf(site):
    page = site.page_for("city1")
    page.goto(site.url(f"/casefile/{story['no']}"))
    assert "成员结构、协议条款和建设方案齐全，同意推荐" in page.locator("#cf-opinions").inner_text()
    assert "district1" in page.locator("#cf-opinions").inner_text()
    page.screenshot(path=str(ARTIFACTS / "casefile-page.png"), full_page=True)

    response = page.request.get(site.url(f"/casefile/{story['no']}.pdf"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    data = response.body()
    (ARTIFACTS / "casefile.pdf").write_bytes(data)
    first = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert story["no"] in first and "申报材料" in first
    try:
        import pypdfium2
    except ImportError:  # the PNG is a convenience; the PDF itself is kept
        return
    document = pypdfium2.PdfDocument(data)
    document[0].render(scale=1.5).to_pil().save(ARTIFACTS / "casefile-pdf-page1.png")
    document.close()
    assert (ARTIFACTS / "casefile-pdf-page1.png").stat().st_size > 10_000


def test_a_stranger_gets_404_for_the_case_file(site):
    page = site.page_for("district2")
    response = page.goto(site.url(f"/casefile/{story['no']}"))
    assert response.status == 404
