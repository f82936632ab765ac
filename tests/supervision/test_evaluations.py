"""Performance evaluation end to end: 不合格 → rectification → re-evaluation; failing twice revokes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.actors import SYSTEM
from service.clock import local_today
from service.consortium.supervision import evaluations
from service.consortium.supervision.evaluations import RoundSettings, grade_for
from service.engine import jobs
from service.engine.calendar import load_year
from service.engine.store import audit
from service.errors import Forbidden, InvalidInput
from tests.supervision.calendar_files import write_arrangement
from tests.supervision.support import (
    PANEL,
    SELF_REPORT,
    Steps,
    actor,
    consortium,
    filed_consortium,
    score_sheet,
)

SETTINGS = RoundSettings(  # the bureau enabled rectification for this round (off by default: test_hearing)
    title="2026年度创新联合体绩效评价",
    data_from=date(2025, 1, 1),
    data_until=date(2025, 12, 31),
    rectification_enabled=True,
)


def evaluate(ctx, steps: Steps, total: int, *, rectification: str | None = None) -> None:
    """Self-report, district check, panel and five expert sheets whose totals are all `total`."""
    report = dict(SELF_REPORT, rectification_summary=rectification) if rectification else SELF_REPORT
    steps.do("lead1", "Task_SelfReport", report)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    steps.do("city1", "Task_AssignEvaluators", {"panel": PANEL})
    for login in PANEL:
        steps.do(login, "Task_ExpertScoring", score_sheet(total))


def results(ctx, consortium_id: int) -> list[dict]:
    return evaluations.list_results(ctx, consortium_id=consortium_id)


def pass_result_publicity(ctx, clock, consortium_id: int) -> None:
    until = date.fromisoformat(results(ctx, consortium_id)[-1]["publicityUntil"])
    clock.set(clock.now() + timedelta(days=(until - local_today(clock.now())).days + 1))
    jobs.fire_due_jobs(ctx)


def open_round(ctx, consortium_id: int) -> Steps:
    opened = evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=SETTINGS)
    assert len(opened["instances"]) == 1
    return Steps(ctx, opened["instances"][0])


def test_grade_bands_are_configurable_and_inclusive_at_the_lower_bound():
    assert [grade_for(s, evaluations.DEFAULT_BANDS) for s in (90, 89.99, 75, 60, 59.9)] == [
        "excellent",
        "good",
        "good",
        "pass",
        "fail",
    ]
    assert grade_for(70, [(80, "excellent"), (70, "pass"), (0, "fail")]) == "pass"


def test_failed_evaluation_is_rectified_and_passes_on_re_evaluation(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    steps = open_round(ctx, consortium_id)
    assert [t.element_id for t in steps.open("lead1")] == ["Task_SelfReport"]
    assert steps.open("district2") == []  # another district's clerk does not see it
    evaluate(ctx, steps, 55)

    [graded] = results(ctx, consortium_id)
    assert (graded["grade"], graded["score"], graded["outcome"]) == ("fail", 55.0, None)
    assert graded["gradeName"].startswith("不合格")
    assert consortium(ctx, consortium_id=consortium_id).status == "filed"  # nothing happens during publicity

    pass_result_publicity(ctx, clock, consortium_id)
    [graded] = results(ctx, consortium_id)
    assert graded["outcome"] == "rectification"
    rectification_until = date.fromisoformat(graded["rectificationUntil"])
    assert rectification_until == local_today(clock.now()).replace(year=local_today(clock.now()).year + 1)
    assert consortium(ctx, consortium_id=consortium_id).status == "under_rectification"
    assert steps.open("lead1") == []

    clock.set(clock.now() + timedelta(days=300))
    jobs.fire_due_jobs(ctx)
    assert steps.open("lead1") == []  # the rectification period is not over yet
    clock.set(clock.now() + timedelta(days=70))
    jobs.fire_due_jobs(ctx)
    assert [t.element_id for t in steps.open("lead1")] == ["Task_SelfReport"]
    with pytest.raises(InvalidInput) as refused:
        steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    assert "rectification_summary" in refused.value.fields

    evaluate(ctx, steps, 80, rectification="已按专家意见完成整改：新增联合攻关两项")
    pass_result_publicity(ctx, clock, consortium_id)
    first, second = results(ctx, consortium_id)
    assert (second["attempt"], second["grade"], second["outcome"]) == (2, "good", "passed")
    assert consortium(ctx, consortium_id=consortium_id).status == "filed"
    with ctx.unit_of_work(write=False) as uow:
        trail = [e.action for e in audit.list_events(uow.session, instance_id=steps.instance_id)]
    for action in ("evaluation.graded", "evaluation.rectification_opened", "evaluation.passed"):
        assert action in trail


def test_failing_the_re_evaluation_revokes_the_filing(ctx, clock, tmp_path):
    # the hearing period after the second failure is counted in 2027's working days
    load_year(ctx, text=write_arrangement(tmp_path, 2027).read_text(encoding="utf-8"), source="2027.txt",
              actor=SYSTEM)
    walk, consortium_id = filed_consortium(ctx, clock)
    steps = open_round(ctx, consortium_id)
    evaluate(ctx, steps, 40)
    pass_result_publicity(ctx, clock, consortium_id)
    clock.set(clock.now() + timedelta(days=370))
    jobs.fire_due_jobs(ctx)
    evaluate(ctx, steps, 58, rectification="整改未完成")
    pass_result_publicity(ctx, clock, consortium_id)
    assert consortium(ctx, consortium_id=consortium_id).status == "under_rectification"
    steps.do("lead1", "Task_StateCase", {"hearing_choice": "waive"})  # 陈述申辩 comes before revocation
    steps.do("city1", "Task_RevocationDecision", {
        "revocation_decision": "revoke", "decision_reasons": "整改后复评仍不合格，依据指引七（二）取消备案",
        "decision_document": "青科字〔2027〕8号",
    })

    record = consortium(ctx, consortium_id=consortium_id)
    assert record.status == "revoked"
    assert [r["outcome"] for r in results(ctx, consortium_id)] == ["rectification", "revoked"]
    state = steps.open("city1")
    assert state == []
    # the validity timer of the original filing later finds it revoked and leaves it so
    clock.set(clock.now() + timedelta(days=365 * 2))
    jobs.fire_due_jobs(ctx)
    assert consortium(ctx, consortium_id=consortium_id).status == "revoked"


def test_a_panel_tied_to_a_member_must_be_replaced(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    steps = open_round(ctx, consortium_id)
    steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    steps.do("city1", "Task_AssignEvaluators", {"panel": ["expert1", "member1"]})
    assert steps.steps() == ["Task_AssignEvaluators"]  # member1 is no expert: back to the clerk
    steps.do("city1", "Task_AssignEvaluators", {"panel": PANEL})
    assert steps.steps() == ["Task_ExpertScoring"] * 5


def test_only_the_city_bureau_opens_a_round(ctx):
    with pytest.raises(Forbidden):
        evaluations.open_evaluation_round(ctx, actor=actor(ctx, "district1"), settings=SETTINGS)
    bad = RoundSettings(
        title="x", data_from=date(2026, 1, 1), data_until=date(2025, 1, 1), grade_bands=[(60, "pass")]
    )
    with pytest.raises(InvalidInput) as refused:
        evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=bad)
    assert set(refused.value.fields) == {"data_until", "grade_bands"}
