"""Corrections that correct (issue 13 item 2, "Done when"), in real Chromium: the district clerk reviews
with the case file beside the form, returns plan section 三 and the member list with a reason each; the
lead unit's correction page opens exactly those, prefilled, with the reasons; it edits them; the clerk
sees old → new in the case file and approves. Screenshots go to test-artifacts/."""

from __future__ import annotations

from tests.support.procedure import FORMS, MEMBERS, Walk

from .browser import fill, open_task, submit
from .conftest import ARTIFACTS

PLAN = FORMS["Task_DraftPlan"]["plan"]
CLAUSES = FORMS["Task_SignAgreement"]["agreement"]
GOALS_REASON = "进度节点过粗，请按季度细化并写明考核指标"
MEMBERS_REASON = "第五家成员单位的参与程度应为一般成员"
NEW_GOALS = "目标任务：三年内完成伺服驱动、控制算法、核心材料三项攻关，按季度节点考核，年度验收。"
story: dict = {}


def test_the_clerk_returns_plan_section_three_and_the_members(site):
    walk = Walk(site.ctx)
    walk.start()
    walk.prepare_and_submit()
    story["walk"] = walk

    page = open_task(site, "district1", "Task_DistrictReview")
    side = page.locator("aside.casefile-side")
    members = side.locator("#cf-members").inner_text()
    assert all(m["name"] in members for m in MEMBERS)
    clause = side.locator('#cf-agreement [data-clause="task_division"]')
    assert clause.inner_text() == CLAUSES["task_division"]
    assert PLAN["goals"] in side.locator("#cf-plan").inner_text()
    fill(page, {
        "district_decision": "return",
        "district_opinion": "建设方案进度安排和成员结构需修改",
        "returned_sections": [
            {"section": "plan.goals", "reason": GOALS_REASON},
            {"section": "members", "reason": MEMBERS_REASON},
        ],
    })
    submit(page)
    assert page.locator("#error-summary").count() == 0


def test_the_lead_unit_corrects_exactly_those_sections(site):
    page = open_task(site, "lead1", "Task_CorrectForDistrict")
    returned = page.locator("#returned-sections li")
    assert returned.count() == 2
    assert GOALS_REASON in returned.nth(0).inner_text()
    assert "目标任务及进度安排" in returned.nth(0).inner_text()
    assert MEMBERS_REASON in returned.nth(1).inner_text()
    form = page.locator("form:has(button[value=complete])")
    names = set(form.locator("[name]").evaluate_all("els => els.map(e => e.name)"))
    editable = {n for n in names if n not in ("csrf_token", "action", "idem")}
    assert "plan.goals" in editable and "invited_members.4.role" in editable
    assert "plan.milestones.0.due" in editable
    sections = ("plan", "invited_members", "threshold_justification", "correction_note")
    others = [n for n in editable if n.split(".")[0] not in sections]
    assert others == [], others  # no agreement, chief expert, document …
    assert {n.split(".")[1] for n in editable if n.startswith("plan.")} == {"goals", "milestones"}
    # prefilled with the current values, the reason beside the section
    assert page.locator('[name="plan.goals"]').input_value() == PLAN["goals"]
    assert page.locator('[name="invited_members.0.credit_code"]').input_value() == MEMBERS[0]["credit_code"]
    assert GOALS_REASON in page.locator("#f-plan-goals").locator("xpath=..").inner_text()
    page.screenshot(path=str(ARTIFACTS / "correction-page.png"), full_page=True)

    fill(page, {
        "plan": {"goals": NEW_GOALS,
                 "milestones": [{"due": "2026-09-30", "milestone": "完成伺服驱动方案评审"}]},
        "invited_members": [{}, {}, {}, {}, {"role": "general"}],
        "correction_note": "已按季度细化进度节点，并调整第五家成员单位为一般成员",
    })
    submit(page)
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()


def test_the_clerk_sees_what_changed_and_approves(site):
    page = open_task(site, "district1", "Task_DistrictReview")
    corrections = page.locator("aside.casefile-side #cf-corrections")
    corrections.scroll_into_view_if_needed()
    assert GOALS_REASON in corrections.inner_text() and MEMBERS_REASON in corrections.inner_text()
    goals = corrections.locator('tr[data-field="plan.goals"]')
    assert goals.locator("td.old").inner_text() == PLAN["goals"]
    assert goals.locator("td.new").inner_text() == NEW_GOALS
    due = corrections.locator('tr[data-field="plan.milestones[1].due"]')
    assert due.locator("td.old").inner_text() == "2026-12-31"
    assert due.locator("td.new").inner_text() == "2026-09-30"
    role = corrections.locator(f'tr[data-field="invited_members[{MEMBERS[4]["credit_code"]}].role"]')
    assert role.locator("td.old").inner_text() == "核心层成员"
    assert role.locator("td.new").inner_text() == "一般成员"
    changed = corrections.locator("tr[data-field]").evaluate_all("rows => rows.map(r => r.dataset.field)")
    assert sorted(changed) == sorted([  # nothing else changed
        "plan.goals", "plan.milestones[1].due", "plan.milestones[1].milestone",
        f"invited_members[{MEMBERS[4]['credit_code']}].role",
    ])
    assert "成员单位 #1" not in corrections.inner_text()  # members are named by their code
    assert "三、进度安排（节点及完成时间） #1 完成时间" in due.inner_text()
    assert NEW_GOALS in page.locator("aside.casefile-side #cf-plan").inner_text()  # the case file is current
    page.screenshot(path=str(ARTIFACTS / "correction-diff-review-page.png"), full_page=True)

    fill(page, {"district_decision": "approve", "district_opinion": "已按要求修改，同意推荐"})
    submit(page)
    assert page.locator("#error-summary").count() == 0
    assert [t.element_id for t in story["walk"].tasks_of("city1")] == ["Task_CityReview"]
