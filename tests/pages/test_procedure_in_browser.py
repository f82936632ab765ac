"""One application through the pages, in order: the round opened, initiate, return, correct, review (the
panel drawn, declarations, site visit and defense scheduled, score sheets signed, the selection, all in
the browser), the defense calendar, publicity, objection, filing; then the registry, the dashboard, and a
stranger guessing URLs.

The tests of this module are chapters of one story and share one server and one application.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from service.clock import SHANGHAI
from service.consortium.demo import ORGANISATIONS
from service.engine import identities
from service.engine.jobs import fire_due_jobs
from tests.support import documents
from tests.support.procedure import FORMS, LEAD, MEMBER_LOGINS, MEMBERS

from .browser import complete, fill, open_task, submit
from .conftest import ARTIFACTS

story: dict = {}


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_city_clerk_opens_the_round(site):
    page = site.page_for("city1")
    page.goto(site.url("/rounds"))
    page.fill("#name", "2026年第一批创新联合体备案")
    page.fill("#opens_day", "2026-03-10")
    page.fill("#closes_day", "2026-03-01")
    with page.expect_navigation():
        page.click("#open-round button.primary")
    assert "截止时间须晚于开始时间" in page.locator("#err-closesAt").inner_text()
    assert page.locator("#name").input_value() == "2026年第一批创新联合体备案"

    page.fill("#opens_day", "2026-03-01")
    page.fill("#closes_day", "2026-03-31")
    with page.expect_navigation():
        page.click("#open-round button.primary")
    assert "申报批次已开设" in page.locator(".flash.ok").inner_text()
    assert "2026-03-01 09:00 至 2026-03-31 17:00" in page.locator("p.meta").inner_text()
    story["round_url"] = page.url


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
        files=[{"name": "协议.pdf", "mimeType": "application/pdf", "buffer": documents.pdf()}],
    )
    submit(page)
    assert page.locator("#error-summary").count() == 0


def test_applicant_submits_and_district_returns_it_with_a_reason(site):
    for step in ("Task_HireChiefExpert", "Task_DraftPlan"):
        complete(site, step, FORMS[step])
    complete(site, "Task_Submit", FORMS["Task_Submit"])  # joins the one round open now

    page = site.page_for("district1")
    page.goto(site.url("/?view=groups"))
    assert page.locator('tr[data-element="Task_DistrictReview"]').count() == 1
    assert page.locator('a[data-view="groups"] .count').inner_text() == "1"
    shot(page, "inbox")
    returned = {"district_decision": "return", "district_opinion": "请补充成员单位的研发投入证明",
                "returned_sections": [{"section": "plan.results", "reason": "请写明成员单位的研发投入"}]}
    complete(site, "Task_DistrictReview", returned)


def test_applicant_corrects_and_resubmits(site):
    page = open_task(site, "lead1", "Task_CorrectForDistrict")
    assert "请补充成员单位的研发投入证明" in page.locator("aside").inner_text()
    assert "请写明成员单位的研发投入" in page.locator("#returned-sections").inner_text()
    results = FORMS["Task_DraftPlan"]["plan"]["results"] + "五家成员单位近三年研发投入合计三亿元。"
    fill(page, {"plan": {"results": results}, "correction_note": "已补充五家成员单位近三年研发投入证明"})
    submit(page)
    complete(site, "Task_DistrictReview", FORMS["Task_DistrictReview"])


def test_clerk_draws_the_panel_and_experts_declare_before_seeing_material(site):
    complete(site, "Task_CityReview", FORMS["Task_CityReview"])
    city = site.page_for("city1")
    city.goto(site.url("/?view=all&step=Task_AssignPanel"))
    with city.expect_navigation():
        city.locator('tr[data-element="Task_AssignPanel"] a.button').first.click()
    assert city.url.startswith(story["round_url"])  # the step opens the round page, not a task form
    with city.expect_navigation():
        city.click("#applications button.primary")
    assert "已抽取评审专家" in city.locator(".flash.ok").inner_text()
    drawn = city.locator(".panel-draw")
    assert len(drawn.locator("code.seed").inner_text()) == 16
    assert drawn.locator(".candidates").inner_text() == "、".join(f"expert{i}" for i in range(1, 6))
    assert "结果一致" in drawn.inner_text()
    story["panel"] = drawn.locator(".seats tr[data-expert]").evaluate_all(
        "rows => rows.map(r => r.dataset.expert)"
    )
    assert len(story["panel"]) == 5

    first = story["panel"][0]
    page = site.page_for(first)
    page.goto(site.url("/panels"))
    assert "待签署回避声明" in page.locator("#seats").inner_text()
    with page.expect_navigation():
        page.click("#seats a.button")
    story["panel_url"] = page.url
    assert LEAD in page.locator("#parties").inner_text()
    assert page.locator("#material").count() == 0
    assert "高精度伺服驱动" not in page.locator("main").inner_text()  # no material before signing
    page.check('input[name=no_conflict][value=yes]')
    with page.expect_navigation():
        page.click("#declaration button.primary")
    assert "必填" in page.locator("#err-signature").inner_text()
    assert page.locator('input[name=no_conflict][value=yes]').is_checked()

    for login in story["panel"]:
        page = site.page_for(login)
        page.goto(story["panel_url"])
        page.check('input[name=no_conflict][value=yes]')
        page.fill("#signature", login)
        with page.expect_navigation():
            page.click("#declaration button.primary")
        if login != story["panel"][-1]:  # the material opens only once the whole panel has signed
            assert page.locator("#waiting").count() == 1 and page.locator("#material").count() == 0
    assert "高精度伺服驱动" in page.locator("#material").inner_text()
    site.page_for(first).reload()
    assert "高精度伺服驱动" in site.page_for(first).locator("#material").inner_text()


def test_clerk_schedules_a_site_visit_and_a_defense_and_a_double_booking_is_refused(site):
    for login in story["panel"]:
        complete(site, "Task_DeskReview", FORMS["Task_DeskReview"], login)
    page = site.page_for("city1")
    page.goto(story["round_url"])
    page.fill("#visit-day", "2026-03-03")
    with page.expect_navigation():
        page.click("#visit-form button.primary")
    assert "牵头单位未登记地址" in page.locator("#visit-problems").inner_text()  # the demo lead has none
    assert page.locator("#visit-day").input_value() == "2026-03-03"
    page.fill("#visit-address", FORMS["Task_SiteVisitReport"]["location"])
    with page.expect_navigation():
        page.click("#visit-form button.primary")
    assert "现场考察已安排" in page.locator(".flash.ok").inner_text()

    def book(room: str) -> None:
        page.fill("#defense-room", room)
        page.fill("#defense-day", "2026-03-05")
        page.check("#defense-form input[name=application_no]")
        with page.expect_navigation():
            page.click("#defense-form button.primary")

    book("市科技局 3 楼第一会议室")
    assert "答辩会已安排" in page.locator(".flash.ok").inner_text()
    book("市科技局 3 楼第一会议室")
    refusal = page.locator("#defense-problems").inner_text()
    assert "日程冲突" in refusal and "已被答辩会 #1 占用" in refusal and "同一时间已安排 答辩会 #1" in refusal
    assert page.locator("#defense-room").input_value() == "市科技局 3 楼第一会议室"
    complete(site, "Task_SiteVisitReport", FORMS["Task_SiteVisitReport"])


def test_defense_calendar_shows_the_week_to_those_involved_only(site):
    page = site.page_for("city1")
    page.goto(site.url("/calendar"))
    thursday = page.locator('section.day[data-day="2026-03-05"]')
    assert "市科技局 3 楼第一会议室" in thursday.inner_text()
    assert "14:00–17:00" in thursday.inner_text() and "王教授 (expert1)" in thursday.inner_text()
    assert "青岛高端智能装备创新联合体" in page.locator('section.day[data-day="2026-03-03"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # fits the office screen
    shot(page, "defense-calendar")

    for _ in range(60):  # keyboard only: Tab reaches the .ics link of the first event
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ics')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('ics')")
    ics = page.request.get(site.url(page.evaluate("document.activeElement.getAttribute('href')")))
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in ics.text() and "TZID=Asia/Shanghai" in ics.text()
    with page.expect_navigation():
        page.click("a[rel=next]")
    assert page.locator("article.event").count() == 0
    with page.expect_navigation():
        page.click("text=本周")
    assert page.locator("article.event").count() == 2

    expert = site.page_for(story["panel"][0])
    expert.goto(site.url("/calendar"))
    assert expert.locator("article.event").count() == 2
    mine = expert.request.get(site.url("/calendar/defense/1.ics")).text()
    assert "ATTENDEE" in mine and "SEQUENCE:0" in mine  # the expert's own invitation
    district = site.page_for("district1")
    district.goto(site.url("/calendar"))
    assert district.locator("article.event").count() == 2
    for outsider in ("lead1", "district2"):  # the applicant before results; another district
        other = site.page_for(outsider)
        other.goto(site.url("/calendar"))
        assert other.locator("article.event").count() == 0, outsider
        assert "expert1" not in other.locator("main").inner_text()
    assert site.page_for("district2").request.get(site.url("/calendar/site_visit/1.ics")).status == 404


def _fill_sheet(page, scores: dict) -> None:
    for key, item in scores.items():
        page.fill(f"#score-{key}", str(item["score"]))
        page.fill(f'[name="comment.{key}"]', item["comment"])


def _to_defense_start(site) -> None:
    """Move the clock to the start of the scheduled defense session (sheets are signed at the defense)."""
    import sqlalchemy as sa

    from service.consortium.store.review_models import DefenseSession

    with site.ctx.unit_of_work(write=False) as uow:
        starts = uow.session.scalar(
            sa.select(sa.func.min(DefenseSession.starts_at)).where(DefenseSession.status == "scheduled")
        )
    site.clock.set(max(site.clock.now(), starts))


def test_experts_sign_score_sheets_which_then_lock(site):
    first, sheet = story["panel"][0], FORMS["Task_DefenseScoring"]
    page = site.page_for(first)
    page.goto(site.url("/?view=all&step=Task_DefenseScoring"))
    with page.expect_navigation():
        page.locator('tr[data-element="Task_DefenseScoring"] a.button').first.click()
    assert page.url.startswith(story["panel_url"])  # the scoring task opens the score sheet
    _fill_sheet(page, {**sheet, "significance": {"score": 30, "comment": "产业基础扎实"}})
    page.fill("#sheet-signature", first)
    with page.expect_navigation():
        page.click("button[value=sign]")
    assert "分值须在 0–25 之间" in page.locator("#err-significance").inner_text()
    assert page.locator("#score-significance").input_value() == "30"
    assert page.locator('[name="comment.goals"]').input_value() == "目标可考核"

    page.fill("#score-significance", "22")
    with page.expect_navigation():
        page.click("button[value=sign]")
    assert "开始前不能签署评分表" in page.locator("#error-summary").inner_text()  # issue 17 item 11
    _to_defense_start(site)

    with page.expect_navigation():
        page.click("button[value=sign]")
    assert page.locator("#sheet-locked").count() == 1
    assert page.locator("#sheet-total").inner_text() == "85.0"
    assert page.locator("#sheet input, #sheet textarea").count() == 0  # read-only
    token = page.locator("input[name=csrf_token]").first.input_value()
    again = page.request.post(
        site.url(story["panel_url"].removeprefix(site.base_url) + "/score-sheet"),
        form={"csrf_token": token, "idem": "draft-after-signing-1", "score.significance": "25",
              "action": "draft"},
    )
    assert again.status == 409 and "签名锁定" in again.text()

    for login in story["panel"][1:]:
        page = site.page_for(login)
        page.goto(story["panel_url"])
        _fill_sheet(page, sheet)
        page.fill("#sheet-signature", login)
        with page.expect_navigation():
            page.click("button[value=sign]")
        assert page.locator("#sheet-locked").count() == 1, login


def test_clerk_ranks_and_selects_and_the_application_page_shows_progress(site):
    page = site.page_for("city1")
    page.goto(story["round_url"])
    ranked = page.locator("#ranking tbody tr").first
    assert "85.0" in ranked.inner_text() and "去掉最高最低分" in ranked.inner_text()
    with page.expect_navigation():
        page.click("#selection-form button.primary")
    assert "入选" in page.locator("#ranking .outcome").first.inner_text()
    assert "2026-03-" in page.locator("#round-notice").inner_text()
    shot(page, "round-after-selection")

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

    # published today, the period starts tomorrow (Beijing time): until then objections are refused
    row = page.locator("#notices tr", has_text="青岛高端智能装备创新联合体").inner_text()
    start = date.fromisoformat(re.search(r"(\d{4}-\d{2}-\d{2}) — ", row).group(1))
    first = datetime.combine(start, time(0), tzinfo=SHANGHAI)
    assert site.clock.now() < first
    site.clock.set(first - timedelta(seconds=1))
    page.fill("#objector_name", "张三")
    with page.expect_navigation():
        page.click("#objection button[type=submit]")
    assert f"公示期自 {start} 起，公示开始前不受理异议" in page.locator("#objection-problem").inner_text()
    assert page.locator("#objector_name").input_value() == "张三"
    shot(page, "objection-before-publicity")

    site.clock.set(first)
    with page.expect_navigation():
        page.click("#objection button[type=submit]")
    receipt = page.locator("#receipt-no").inner_text()
    assert receipt.startswith("YY-")
    code = page.locator("#verification-code").inner_text()
    story["objection"] = (receipt, code)

    # the objector follows it with the receipt number and the code printed on the receipt
    page.goto(site.url("/public/publicity/status"))
    page.fill("#receipt_no", receipt)
    page.fill("#verification_code", code)
    with page.expect_navigation():
        page.click("#status-form button[type=submit]")
    assert "处理中" in page.locator("#objection-status").inner_text()


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

    # publicity over: the clerk handles the objection on its own task page (who, what), then decides
    handling = open_task(site, "city1", "Task_HandleObjection")
    shown = handling.locator("#objection").inner_text()
    assert story["objection"][0] in shown and "张三" in shown and "重复申报" in shown
    fill(handling, FORMS["Task_HandleObjection"])
    submit(handling)
    assert handling.locator("#error-summary").count() == 0
    complete(site, "Task_FilingDecision", FORMS["Task_FilingDecision"])

    city = site.page_for("city1")
    city.goto(site.url("/registry?status=filed"))
    row = city.locator("#registry tbody tr").first
    assert "青岛高端智能装备创新联合体" in row.inner_text() and "QDCXLHT-" in row.inner_text()
    story["registry_detail"] = row.locator("a").first.get_attribute("href")
    city.goto(site.url(story["registry_detail"]))
    assert "山东海洋科技大学" in city.locator("body").inner_text()

    city.goto(site.url("/dashboard"))
    city.wait_for_selector("body[data-charts=ready]")
    assert city.locator('#in-force-table tr[data-industry="XX-05"] td').nth(1).inner_text() == "1"
    assert city.locator("#in-force-total").inner_text() == "1"
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
