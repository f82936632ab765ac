"""不合格 → 陈述申辩 → 取消备案 (guideline 七（二）"评价结果不合格的，取消备案资格"; issue 14, item 2).

By default an unqualified evaluation no longer opens a year of rectification: the lead unit is notified and
has 5 working days (configurable) to state its case, then the city decides.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from service.clock import local_today
from service.consortium.supervision import evaluations
from service.consortium.supervision.evaluations import RoundSettings
from service.engine import jobs
from service.engine.calendar import WorkingCalendar
from service.engine.store.deadline_models import Notification
from tests.supervision.support import (
    PANEL,
    SELF_REPORT,
    Steps,
    actor,
    consortium,
    filed_consortium,
    score_sheet,
)

DEFAULT = RoundSettings(
    title="2026年度创新联合体绩效评价", data_from=date(2025, 1, 1), data_until=date(2025, 12, 31)
)
DECISION = {
    "revocation_decision": "revoke",
    "decision_reasons": "陈述申辩所称事实与核查结果不符，不予采纳",
    "decision_document": "青科字〔2026〕12号",
}


def fail_evaluation(ctx, clock, settings: RoundSettings = DEFAULT, after_filing=None) -> tuple[Steps, int]:
    """A filed consortium graded 55 (不合格) whose result publicity has ended; `after_filing(consortium_id)`
    runs once it is filed, before the round opens."""
    _, consortium_id = filed_consortium(ctx, clock)
    if after_filing is not None:
        after_filing(consortium_id)
    opened = evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=settings)
    steps = Steps(ctx, opened["instances"][0])
    steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    steps.do("city1", "Task_AssignEvaluators", {"panel": PANEL})
    for login in PANEL:
        steps.do(login, "Task_ExpertScoring", score_sheet(55))
    [graded] = evaluations.list_results(ctx, consortium_id=consortium_id)
    until = date.fromisoformat(graded["publicityUntil"])
    clock.set(clock.now() + timedelta(days=(until - local_today(clock.now())).days + 1))
    jobs.fire_due_jobs(ctx)
    return steps, consortium_id


def outcomes(ctx, consortium_id: int) -> list[str]:
    return [r["outcome"] for r in evaluations.list_results(ctx, consortium_id=consortium_id)]


def notices(ctx, user_id: str) -> list[Notification]:
    with ctx.unit_of_work(write=False) as uow:
        return list(
            uow.session.scalars(
                sa.select(Notification).where(
                    Notification.user_id == user_id, Notification.kind == "evaluation.hearing"
                )
            )
        )


def test_unqualified_notifies_the_lead_unit_and_revokes_after_its_statement_and_the_citys_decision(
    ctx, clock
):
    steps, consortium_id = fail_evaluation(ctx, clock)
    assert outcomes(ctx, consortium_id) == ["hearing"]
    assert consortium(ctx, consortium_id=consortium_id).status == "filed"  # in force until the decision
    assert [t.element_id for t in steps.open("lead1")] == ["Task_StateCase"]
    assert steps.open("member1") == []  # the lead unit's task, not the members'
    [notice] = notices(ctx, "lead1")
    assert notice.subject.startswith("拟取消备案告知")
    with ctx.unit_of_work(write=False) as uow:
        until = WorkingCalendar(uow.session).add_working_days(local_today(clock.now()), 5)
    assert f"{until.isoformat()}（5个工作日）前" in notice.body and "陈述申辩" in notice.body

    steps.do(
        "lead1",
        "Task_StateCase",
        {
            "hearing_choice": "statement",
            "statement": "评价期内研发投入数据漏报，现补充审计报告予以说明，请求维持备案",
        },
    )
    assert steps.steps() == ["Task_RevocationDecision"]
    steps.do("city1", "Task_RevocationDecision", DECISION)
    assert consortium(ctx, consortium_id=consortium_id).status == "revoked"
    assert outcomes(ctx, consortium_id) == ["revoked"]
    assert steps.steps() == []


def test_silence_until_the_period_ends_goes_to_the_city_which_may_maintain_the_filing(ctx, clock):
    steps, consortium_id = fail_evaluation(
        ctx,
        clock,
        RoundSettings(
            title="2026年度绩效评价",
            data_from=date(2025, 1, 1),
            data_until=date(2025, 12, 31),
            hearing_working_days=3,
        ),
    )
    with ctx.unit_of_work(write=False) as uow:
        until = WorkingCalendar(uow.session).add_working_days(local_today(clock.now()), 3)
    clock.set(datetime.combine(until, datetime.min.time(), tzinfo=clock.now().tzinfo) + timedelta(hours=12))
    jobs.fire_due_jobs(ctx)
    assert [t.element_id for t in steps.open("lead1")] == ["Task_StateCase"]  # the last day still counts
    clock.set(clock.now() + timedelta(days=1))
    jobs.fire_due_jobs(ctx)
    assert steps.open("lead1") == []
    assert steps.steps() == ["Task_RevocationDecision"]
    steps.do(
        "city1",
        "Task_RevocationDecision",
        {
            "revocation_decision": "maintain",
            "maintain_basis": "review",
            "reviewed_facts": "专家评分表第三项合计计算错误，更正后得分为72分",
            "decision_reasons": "经复核专家评分存在计算错误，维持备案",
        },
    )
    assert consortium(ctx, consortium_id=consortium_id).status == "filed"
    assert outcomes(ctx, consortium_id) == ["maintained"]


def test_a_revocation_without_a_decision_document_is_refused(ctx, clock):
    steps, _ = fail_evaluation(ctx, clock)
    steps.do("lead1", "Task_StateCase", {"hearing_choice": "waive"})
    import pytest

    from service.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        steps.do("city1", "Task_RevocationDecision", {**DECISION, "decision_document": None})
    assert refused.value.fields["decision_document"] == [
        "取消备案须填写决定文号 / Give the decision document number."
    ]
    with pytest.raises(InvalidInput) as refused:
        steps.do("city1", "Task_RevocationDecision", {**DECISION, "decision_reasons": "无"})
    assert refused.value.fields["decision_reasons"][0].startswith(
        "“事实、理由及对陈述申辩的采纳情况”不能只填写“无”"
    )


def test_rectification_happens_only_when_the_round_enables_it(ctx, clock):
    enabled = RoundSettings(
        title="2026年度绩效评价",
        data_from=date(2025, 1, 1),
        data_until=date(2025, 12, 31),
        rectification_enabled=True,
    )
    steps, consortium_id = fail_evaluation(ctx, clock, enabled)
    assert outcomes(ctx, consortium_id) == ["rectification"]
    assert consortium(ctx, consortium_id=consortium_id).status == "under_rectification"
    assert steps.open("lead1") == []


def test_the_hearing_over_http_notice_statement_decision(server, clock):
    """The lead unit reads the notice on /api/notifications, states its case and the city decides through
    /engine-rest, and /api/evaluation-results shows the filing revoked."""
    from tests.http.walk import typed_map

    ctx = server.ctx
    steps, consortium_id = fail_evaluation(ctx, clock)
    lead, city = server.client("lead1"), server.client("city1")
    notes = lead.get("/api/notifications").json()
    assert any(n["subject"].startswith("拟取消备案告知") for n in notes)
    [task] = lead.rest("GET", "/task", params={"processInstanceId": steps.instance_id}).json()
    assert task["taskDefinitionKey"] == "Task_StateCase" and task["name"] == "陈述申辩"
    empty = lead.rest(
        "POST",
        f"/task/{task['id']}/complete",
        json={"variables": typed_map({"hearing_choice": "statement", "statement": "暂无"})},
    )
    assert empty.status_code == 400 and "“陈述申辩意见”不能只填写“暂无”" in empty.text
    stated = lead.rest(
        "POST",
        f"/task/{task['id']}/complete",
        json={
            "variables": typed_map(
                {
                    "hearing_choice": "statement",
                    "statement": "评价期内研发投入数据漏报，现补充审计报告予以说明",
                }
            )
        },
    )
    assert stated.status_code == 204, stated.text
    [decision] = city.rest("GET", "/task", params={"processInstanceId": steps.instance_id}).json()
    assert decision["taskDefinitionKey"] == "Task_RevocationDecision"
    done = city.rest("POST", f"/task/{decision['id']}/complete", json={"variables": typed_map(DECISION)})
    assert done.status_code == 204, done.text
    results = lead.get(f"/api/evaluation-results?consortiumId={consortium_id}").json()
    assert [r["outcome"] for r in results] == ["revoked"]
    assert lead.get(f"/api/consortia/{consortium_id}").json()["status"] == "revoked"


def test_after_a_waived_hearing_the_city_may_maintain_only_on_its_own_review(ctx, clock):
    """Report A finding 8 (was finding 6's phrase matching): maintaining names a structured basis; after a
    waived hearing "statement upheld" is refused naming maintain_basis whatever the reasons say, a maintain
    without a basis is refused, and a review needs the facts it found."""
    import pytest

    from forms.evaluation_revocation_decision import DECISIONS
    from service.errors import InvalidInput

    assert "陈述申辩" not in DECISIONS["maintain"][0]
    steps, consortium_id = fail_evaluation(ctx, clock)
    steps.do("lead1", "Task_StateCase", {"hearing_choice": "waive"})
    evading = "接受其陈述申辩意见，维持备案资格。"  # passed the old phrase matching
    with pytest.raises(InvalidInput) as refused:
        steps.do("city1", "Task_RevocationDecision",
                 {"revocation_decision": "maintain", "decision_reasons": evading})
    assert list(refused.value.fields) == ["maintain_basis"]
    with pytest.raises(InvalidInput) as refused:
        steps.do("city1", "Task_RevocationDecision",
                 {"revocation_decision": "maintain", "maintain_basis": "statement_upheld",
                  "decision_reasons": evading})
    assert list(refused.value.fields) == ["maintain_basis"]
    assert "未提出陈述申辩" in str(refused.value.fields["maintain_basis"][0])
    with pytest.raises(InvalidInput) as refused:
        steps.do("city1", "Task_RevocationDecision",
                 {"revocation_decision": "maintain", "maintain_basis": "review", "decision_reasons": evading})
    assert list(refused.value.fields) == ["reviewed_facts"]
    assert steps.steps() == ["Task_RevocationDecision"]
    steps.do("city1", "Task_RevocationDecision",
             {"revocation_decision": "maintain", "maintain_basis": "review",
              "reviewed_facts": "专家评分表第三项合计计算错误，更正后得分为72分",
              "decision_reasons": "牵头单位放弃陈述申辩；经复核专家评分存在计算错误，维持备案"})
    assert outcomes(ctx, consortium_id) == ["maintained"]


def test_a_stated_case_may_be_upheld(ctx, clock):
    steps, consortium_id = fail_evaluation(ctx, clock)
    steps.do("lead1", "Task_StateCase", {
        "hearing_choice": "statement",
        "statement": "评价期内研发投入数据漏报，现补充审计报告予以说明，请求维持备案"})
    steps.do("city1", "Task_RevocationDecision",
             {"revocation_decision": "maintain", "maintain_basis": "statement_upheld",
              "decision_reasons": "陈述申辩理由成立，补充审计报告属实，维持备案"})
    assert outcomes(ctx, consortium_id) == ["maintained"]


def test_no_member_change_while_a_revocation_is_pending(ctx, clock):
    """Report finding 6: like dissolution, a member change is refused (409) during 陈述申辩 and until the
    city decides; once the filing is maintained it may start."""
    import pytest

    from service.consortium.supervision import member_changes
    from service.errors import Conflict

    steps, consortium_id = fail_evaluation(ctx, clock)
    lead = actor(ctx, "lead1")
    with pytest.raises(Conflict) as refused:
        member_changes.start_member_change(ctx, actor=lead, consortium_id=consortium_id, reason="新增成员")
    assert "拟取消备案" in str(refused.value) and "pending revocation" in str(refused.value)
    assert "绩效评价" in str(refused.value)
    steps.do("lead1", "Task_StateCase", {"hearing_choice": "waive"})
    with pytest.raises(Conflict):
        member_changes.start_member_change(ctx, actor=lead, consortium_id=consortium_id, reason="新增成员")
    steps.do("city1", "Task_RevocationDecision",
             {"revocation_decision": "maintain", "maintain_basis": "review",
              "reviewed_facts": "专家评分表第三项合计计算错误，更正后得分为72分",
              "decision_reasons": "经复核专家评分存在计算错误，维持备案"})
    started = member_changes.start_member_change(ctx, actor=lead, consortium_id=consortium_id,
                                                 reason="新增成员单位")
    assert started.business_key.startswith("BCXY-")
