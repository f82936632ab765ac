"""One application through the pages, in order: initiate, return, correct, review, publicity, objection,
filing; then the registry, the dashboard, and a stranger guessing URLs.

The tests of this module are chapters of one story and share one server and one application.
"""

from __future__ import annotations

import re

from service.usecases import browse, identities
from service.usecases.demo import ORGANISATIONS
from service.usecases.jobs import fire_due_jobs
from tests.support.procedure import FORMS, MEMBER_LOGINS, MEMBERS, Walk

from .browser import complete, fill, open_task, submit
from .conftest import ARTIFACTS

story: dict = {}


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_applicant_initiates_and_sees_chinese_errors_next_to_fields(site):
    page = site.page_for("lead1")
    with page.expect_navigation():
        page.click("text=发起组建申请")
    story["task_url"] = page.url
    fill(page, {"consortium_name": "联", "key_technology": "高精度伺服驱动"})
    submit(page)

    error = page.locator("#f-consortium_name-error")
    assert re.search(r"[\u4e00-\u9fff]", error.inner_text()), error.inner_text()
    assert page.locator("#f-consortium_name").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-consortium_name").input_value() == "联"
    assert page.locator("#f-key_technology").input_value() == "高精度伺服驱动"
    assert "此项为必填项" in page.locator("#f-industry-error").inner_text()
    shot(page, "task-form-with-errors")

    fill(page, FORMS["Task_Initiate"])
    submit(page)
    assert "/tasks/" in page.url and page.url != story["task_url"]  # straight on to my next task
    assert "确定成员单位" in page.locator("h1").inner_text()
    story["instance_id"] = page.locator("h1 + a").get_attribute("href").rsplit("/", 1)[1]


def test_members_join_and_a_draft_survives_a_reload(site):
    complete(site, "Task_InviteMembers", FORMS["Task_InviteMembers"])
    for member in MEMBERS:
        login = MEMBER_LOGINS[member["credit_code"]]
        complete(site, "Task_ConfirmMembership", FORMS["Task_ConfirmMembership"], login)

    page = open_task(site, "lead1", "Task_SignAgreement")
    goals = FORMS["Task_SignAgreement"]["agreement"]["innovation_goals"]
    fill(page, {"agreement": {"innovation_goals": goals}})
    with page.expect_navigation():
        page.click("button[value=draft]")
    page.reload()
    assert "已载入您保存的草稿" in page.content()
    assert page.locator('[name="agreement.innovation_goals"]').input_value().startswith("三年内突破")

    fill(page, FORMS["Task_SignAgreement"])
    page.set_input_files(
        '[name="agreement.document"]',
        files=[{"name": "协议.pdf", "mimeType": "application/pdf", "buffer": b"this is not a PDF at all"}],
    )
    submit(page)
    assert "文件内容与类型不符" in page.locator("#f-agreement-document-error").inner_text()
    page.set_input_files(
        '[name="agreement.document"]',
        files=[{"name": "协议.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%signed\n%%EOF\n"}],
    )
    submit(page)
    assert page.locator("#error-summary").count() == 0


def _walk(site) -> Walk:
    """The round-level decisions of "Expert review" (round entry, panel draw, score sheets, selection) are
    not task forms; the story takes them through their use cases and everything else through the pages."""
    walk = Walk(site.ctx)
    walk.instance_id = story["instance_id"]
    row = browse.get_instance_row(site.ctx, instance_id=walk.instance_id, actor=walk.actor("city1"))
    walk.business_key = row.business_key
    return walk


def test_applicant_submits_and_district_returns_it_with_a_reason(site):
    for step in ("Task_HireChiefExpert", "Task_DraftPlan"):
        complete(site, step, FORMS[step])
    story["walk"] = _walk(site)
    story["walk"].enter_own_round()
    complete(site, "Task_Submit", FORMS["Task_Submit"])

    page = site.page_for("district1")
    page.goto(site.url("/?view=groups"))
    assert page.locator('tr[data-element="Task_DistrictReview"]').count() == 1
    assert page.locator('a[data-view="groups"] .count').inner_text() == "1"
    shot(page, "inbox")
    returned = {"district_decision": "return", "district_opinion": "请补充成员单位的研发投入证明"}
    complete(site, "Task_DistrictReview", returned)


def test_applicant_corrects_and_resubmits(site):
    page = open_task(site, "lead1", "Task_CorrectForDistrict")
    assert "请补充成员单位的研发投入证明" in page.locator("aside").inner_text()
    fill(page, {"correction_note": "已补充五家成员单位近三年研发投入证明"})
    submit(page)
    complete(site, "Task_DistrictReview", FORMS["Task_DistrictReview"])


def test_clerks_and_experts_take_it_to_publicity(site):
    walk = story["walk"]
    complete(site, "Task_CityReview", FORMS["Task_CityReview"])
    walk.draw_and_declare()
    for login in walk.panel:
        complete(site, "Task_DeskReview", FORMS["Task_DeskReview"], login)
    complete(site, "Task_SiteVisitReport", FORMS["Task_SiteVisitReport"])
    for login in walk.panel:
        walk.sign_score_sheet(login)
    walk.select()

    page = site.page_for("lead1")
    page.goto(site.url(f"/applications/{story['instance_id']}"))
    page.wait_for_selector("#diagram[data-rendered=true]")
    assert page.locator(".djs-element.done").count() >= 10
    assert page.locator(".djs-element.current").count() >= 1
    assert "协议.pdf" in page.locator("body").inner_text()
    assert "办理完成" in page.locator(".timeline").inner_text()
    shot(page, "application-with-diagram")
    page.click('a[data-called="Call_ExpertReview"]')
    page.wait_for_selector("#diagram[data-rendered=true]")
    assert page.locator('.djs-element.done[data-element-id="Task_DefenseScoring"]').count() == 1


def test_public_objection_gets_a_receipt_and_the_clerk_dismisses_it(site):
    page = site.page_for(None)
    page.goto(site.url("/public/publicity"))
    assert "青岛高端智能装备创新联合体" in page.locator("#notices").inner_text()
    shot(page, "public-publicity")

    page.fill("#contact", "13800000000")
    page.fill("#reason", "该联合体成员单位存在重复申报的情况，请核实")
    with page.expect_navigation():
        page.click("#objection button[type=submit]")
    assert "匿名异议不予受理" in page.locator("#objector_name-error").inner_text()
    assert page.locator("#reason").input_value().startswith("该联合体成员单位")

    page.fill("#objector_name", "张三")
    with page.expect_navigation():
        page.click("#objection button[type=submit]")
    receipt = page.locator("#receipt-no").inner_text()
    assert receipt.startswith("YY-")

    complete(site, "Task_HandleObjection", FORMS["Task_HandleObjection"])


def test_late_objection_is_refused_and_the_consortium_is_filed(site):
    page = site.page_for(None)
    page.goto(site.url("/public/publicity"))
    page.fill("#objector_name", "李四")
    page.fill("#contact", "13900000000")
    page.fill("#reason", "公示期结束后提出的异议，应当不予受理")

    site.clock.advance(days=15)
    assert fire_due_jobs(site.ctx) >= 1
    with page.expect_navigation():
        page.click("#objection button[type=submit]")
    assert "逾期异议不予受理" in page.locator("#objection-problem").inner_text()

    city = site.page_for("city1")
    city.goto(site.url("/registry?status=filed"))
    row = city.locator("#registry tbody tr").first
    assert "青岛高端智能装备创新联合体" in row.inner_text() and "QDCXLHT-" in row.inner_text()
    story["registry_detail"] = row.locator("a").first.get_attribute("href")
    city.goto(site.url(story["registry_detail"]))
    assert "山东海洋科技大学" in city.locator("body").inner_text()

    city.goto(site.url("/dashboard"))
    city.wait_for_selector("body[data-charts=ready]")
    assert city.locator('#filed-table tr[data-industry="XX-05"] td').nth(1).inner_text() == "1"
    assert city.locator("#filed-total").inner_text() == "1"
    shot(city, "dashboard")


def test_exports_carry_the_filed_consortium(site):
    page = site.page_for("city1")
    csv = page.request.get(site.url("/registry/export.csv?status=filed"))
    assert csv.ok and "青岛高端智能装备创新联合体" in csv.body().decode("utf-8-sig")
    xlsx = page.request.get(site.url("/registry/export.xlsx"))
    assert xlsx.ok and xlsx.body().startswith(b"PK")


def test_another_organisation_cannot_reach_the_application_by_guessing(site):
    outsider_org = ORGANISATIONS[4][0]  # 即墨工业软件: not in this consortium
    identities.add_user(
        site.ctx, user_id="stranger", password="demo1234", groups=["applicant"], org_credit_code=outsider_org
    )
    page = site.page_for("stranger")
    instance_id = story["instance_id"]
    guesses = [
        f"/applications/{instance_id}",
        f"/applications/{instance_id}?process=expert_review",
        f"/applications/{instance_id}/diagram/consortium_recommendation.bpmn",
        story["registry_detail"],
        story["task_url"].removeprefix(site.base_url),
    ]
    lead = site.page_for("lead1")
    lead.goto(site.url(f"/applications/{instance_id}"))
    guesses += [lead.locator("a[href^='/documents/']").first.get_attribute("href")]
    for guess in guesses:
        response = page.goto(site.url(guess))
        assert response.status == 404, guess
        assert "青岛高端智能装备创新联合体" not in page.content()
    page.goto(site.url("/registry"))
    assert "青岛高端智能装备创新联合体" not in page.locator("body").inner_text()
    assert page.request.get(site.url("/dashboard")).status == 404


def test_english_switch_and_security_headers(site):
    page = site.page_for("district2")
    response = page.goto(site.url("/"))
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    page.click("text=English")
    assert page.locator("h1").inner_text() == "Inbox"
    refused = page.request.post(site.url("/applications"), form={"csrf_token": "forged"})
    assert refused.status == 400
