"""Support measures (guideline 六) and progress tracking (七（一）), issue 14 items 10 and 11, through the use
cases: modes, levels and amounts of projects; platforms, talent programmes and scenarios; the dashboard's
increased-support flag after an excellent evaluation; periodic progress reports and their reminder job."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from service.clock import SHANGHAI
from service.consortium.dashboard import read_dashboard
from service.consortium.store.models import Filing
from service.consortium.supervision import progress, projects, support_measures
from service.consortium.supervision.evaluations import add_months
from service.engine import jobs
from service.engine.store.deadline_models import Notification
from service.engine.store.models import Job
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.supervision.support import actor, consortium, filed_consortium
from tests.supervision.test_evaluations import evaluate, open_round

SUMMARY = "本期完成关键部件联合攻关，形成专利两项。"
PLATFORM = support_measures.Measure(kind="platform", name="青岛市高端装备技术创新中心", level="city",
                                    amount_wan=500.0, granted_on=date(2026, 6, 1))


def test_projects_carry_mode_and_amount_and_measures_are_the_bureaus(ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    city, lead, member = (actor(ctx, u) for u in ("city1", "lead1", "member1"))
    with pytest.raises(InvalidInput) as bad:
        projects.record_project(ctx, actor=lead, consortium_id=cid, project_no="P1", name="攻关",
                                level="city", started_on=date(2026, 1, 1), mode="lottery", amount_wan=-5)
    assert set(bad.value.fields) == {"mode", "amount_wan"}
    projects.record_project(ctx, actor=lead, consortium_id=cid, project_no="2026JBGS01", name="揭榜挂帅攻关",
                            level="city", started_on=date(2026, 1, 1), mode="challenge", amount_wan=800.0)

    with pytest.raises(InvalidInput) as bad:
        support_measures.record_measure(ctx, actor=city, consortium_id=cid, measure=support_measures.Measure(
            kind="medal", name=" ", granted_on=date(2026, 6, 1), level="galactic"))
    assert set(bad.value.fields) == {"kind", "name", "level"}
    with pytest.raises(Forbidden):
        support_measures.record_measure(ctx, actor=lead, consortium_id=cid, measure=PLATFORM)
    with pytest.raises(NotFound):
        support_measures.record_measure(ctx, actor=actor(ctx, "cylead1"), consortium_id=cid, measure=PLATFORM)
    support_measures.record_measure(ctx, actor=city, consortium_id=cid, measure=PLATFORM)

    seen = support_measures.list_support(ctx, actor=member, consortium_id=cid)
    assert [(p["projectNo"], p["mode"], p["amountWan"]) for p in seen["projects"]] == [
        ("2026JBGS01", "challenge", 800.0)]
    measures = [(m["kind"], m["level"], m["amountWan"]) for m in seen["measures"]]
    assert measures == [("platform", "city", 500.0)]
    assert seen["increasedSupport"] is False


def test_an_excellent_evaluation_flags_the_consortium_for_increased_support(ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    city = actor(ctx, "city1")
    assert read_dashboard(ctx, actor=city).increased_support == []
    evaluate(ctx, open_round(ctx, cid), 95)
    name = consortium(ctx, consortium_id=cid).name
    assert read_dashboard(ctx, actor=city).increased_support == [(cid, name)]
    found = support_measures.list_support(ctx, actor=city, consortium_id=cid)
    assert found["latestGrade"] == "excellent" and found["increasedSupport"] is True


def _filing(ctx, cid: int) -> Filing:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalars(sa.select(Filing).where(Filing.consortium_id == cid)).one()


def _reminders(ctx) -> list[tuple[str, str]]:
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(Notification.user_id, Notification.subject).where(
            Notification.kind == progress.KIND).order_by(Notification.id)
        return [tuple(row) for row in uow.session.execute(query)]


def _jobs(ctx) -> list[datetime]:
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(sa.select(Job.due_at).where(Job.kind == progress.KIND)))


def test_progress_reports_are_due_every_six_months_and_reminded(ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    lead = actor(ctx, "lead1")
    filing = _filing(ctx, cid)
    first, second = (add_months(filing.valid_from, n) for n in (6, 12))
    # the filing scheduled the first reminder, 09:00 Beijing time on the first period's end
    assert [d.astimezone(SHANGHAI) for d in _jobs(ctx)] == [datetime(first.year, first.month, first.day, 9,
                                                                      tzinfo=SHANGHAI)]
    assert progress.list_reports(ctx, actor=lead, consortium_id=cid)["nextDueOn"] == first.isoformat()

    clock.set(datetime.combine(first, datetime.min.time(), SHANGHAI) + timedelta(hours=9, minutes=1))
    jobs.fire_due_jobs(ctx)
    sent = _reminders(ctx)
    assert [u for u, _ in sent] == ["lead1"] and first.isoformat() in sent[0][1]
    assert [d.astimezone(SHANGHAI).date() for d in _jobs(ctx)] == [second]  # the next period's reminder
    read = progress.list_reports(ctx, actor=actor(ctx, "district1"), consortium_id=cid)
    assert read["overdue"] is False and read["frequencyMonths"] == 6  # due today
    clock.set(clock.now() + timedelta(days=1))
    assert progress.list_reports(ctx, actor=actor(ctx, "district1"), consortium_id=cid)["overdue"] is True

    done = progress.submit_report(ctx, actor=lead, consortium_id=cid, summary=SUMMARY)
    assert done["dueOn"] == first.isoformat()
    progress.submit_report(ctx, actor=lead, consortium_id=cid, summary="第二期：中试线建成，新增专利三项。")
    clock.set(datetime.combine(second, datetime.min.time(), SHANGHAI) + timedelta(hours=10))
    jobs.fire_due_jobs(ctx)
    assert len(_reminders(ctx)) == 1  # the second period was answered early: no reminder
    city_view = progress.list_reports(ctx, actor=actor(ctx, "city1"), consortium_id=cid)
    assert [r["dueOn"] for r in city_view["reports"]] == [first.isoformat(), second.isoformat()]


def test_only_the_lead_unit_reports_progress(ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    with pytest.raises(InvalidInput) as bad:
        progress.submit_report(ctx, actor=actor(ctx, "lead1"), consortium_id=cid, summary="无")
    assert list(bad.value.fields) == ["summary"]
    with pytest.raises(Forbidden):
        progress.submit_report(ctx, actor=actor(ctx, "member1"), consortium_id=cid, summary=SUMMARY)
    with pytest.raises(NotFound):
        progress.submit_report(ctx, actor=actor(ctx, "cylead1"), consortium_id=cid, summary=SUMMARY)
    with pytest.raises(NotFound):
        progress.list_reports(ctx, actor=actor(ctx, "district2"), consortium_id=cid)


def test_no_progress_report_is_due_once_the_filing_ends(ctx, clock):
    _, cid = filed_consortium(ctx, clock)
    projects.request_dissolution(ctx, actor=actor(ctx, "lead1"), consortium_id=cid, reason="各方协商一致解散")
    with pytest.raises(Conflict):
        progress.submit_report(ctx, actor=actor(ctx, "lead1"), consortium_id=cid, summary=SUMMARY)
