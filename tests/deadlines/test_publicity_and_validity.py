"""Publicity and validity deadlines driven by a moved clock through the whole procedure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from service.actors import SYSTEM
from service.consortium import publicity
from service.consortium import reminders as reminders_usecase
from service.consortium.store.models import Consortium, Filing, PublicityNotice
from service.engine import calendar, jobs
from service.engine.store.models import ProcessInstance
from tests.support.procedure import Walk

from .support import ARRANGEMENT_2028, jobs_of, local, notifications_of


def notice_of(ctx) -> PublicityNotice:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalars(sa.select(PublicityNotice)).one()


def status_of(ctx, walk: Walk) -> str:
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(Consortium.status).where(Consortium.instance_id == walk.instance_id)
        return uow.session.scalars(query).one()


@pytest.mark.parametrize(
    ("published", "start", "end"),
    [
        (local(2026, 9, 30, 10, 0), date(2026, 10, 1), date(2026, 10, 13)),  # Sat 10 Oct worked
        (local(2026, 2, 13, 10, 0), date(2026, 2, 14), date(2026, 2, 27)),  # Sat 14 Feb worked
    ],
    ids=["national-day", "spring-festival"],
)
def test_publicity_runs_over_the_holidays_and_files_the_morning_after(ctx, clock, published, start, end):
    clock.set(published)
    walk = Walk(ctx)
    walk.through_to_publicity()
    notice = notice_of(ctx)
    assert (notice.start_date, notice.end_date) == (start, end)
    assert notice.ends_at == local(end.year, end.month, end.day) + timedelta(days=1)
    assert "5 working days" in notice.rule and "7 calendar days" in notice.rule

    # the last evening of the period: objections are still accepted, nothing is filed
    clock.set(local(end.year, end.month, end.day, 23, 59))
    publicity.lodge_objection(
        ctx, application_no=walk.business_key, objector_name="张三", contact="13800000000",
        reason="该联合体成员单位资质材料与实际情况不符",
    )
    assert jobs.fire_due_jobs(ctx) == 0
    assert status_of(ctx, walk) == "publicity"

    clock.set(notice.ends_at + timedelta(seconds=1))
    assert jobs.fire_due_jobs(ctx) == 1
    walk.do("Task_HandleObjection")  # dismissed
    walk.do("Task_FilingDecision")
    assert status_of(ctx, walk) == "filed"
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing)).one()
    assert filing.valid_from == end + timedelta(days=1)


def test_validity_from_29_february_reminds_at_90_30_7_days_and_expires(ctx, clock):
    calendar.load_year(ctx, text=ARRANGEMENT_2028, source="2028.txt", actor=SYSTEM)
    clock.set(local(2028, 2, 21, 10, 0))  # Monday: 5 working days and 7 calendar days end on Mon 28 Feb
    walk = Walk(ctx)
    walk.through_to_publicity()
    assert notice_of(ctx).end_date == date(2028, 2, 28)
    clock.set(local(2028, 2, 29, 0, 0, 1))
    assert jobs.fire_due_jobs(ctx) == 1
    walk.do("Task_FilingDecision")
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing)).one()
    assert (filing.valid_from, filing.valid_until) == (date(2028, 2, 29), date(2031, 2, 28))
    reminders = jobs_of(ctx, walk.instance_id, "validity_reminder")
    expected = [local(2030, 11, 30, 9), local(2031, 1, 29, 9), local(2031, 2, 21, 9)]
    assert [j.due_at for j in reminders] == expected

    clock.set(reminders[0].due_at - timedelta(minutes=1))
    assert jobs.fire_due_jobs(ctx) == 1  # the 七（一） progress-report reminder of 2028-08-29 (progress.py)
    for due, days in zip([r.due_at for r in reminders], (90, 30, 7), strict=True):
        clock.set(due - timedelta(minutes=1))
        assert jobs.fire_due_jobs(ctx) == 0
        clock.set(due)
        assert jobs.fire_due_jobs(ctx) == 1
        for user in ("lead1", "city1", "city2"):
            latest = notifications_of(ctx, user, "validity_reminder")[-1]
            assert f"{days} 天" in latest.body and "2031-02-28" in latest.subject
        assert notifications_of(ctx, "member1", "validity_reminder") == []  # members are not told
    assert len(notifications_of(ctx, "lead1", "validity_reminder")) == 3

    # projecting the instance again (as any later command does) does not bring a sent reminder back
    with ctx.unit_of_work() as uow:
        row = uow.session.get(ProcessInstance, walk.instance_id)
        reminders_usecase.project(uow.session, row, ctx.config.deadlines, clock.now())
        uow.commit()
    assert jobs_of(ctx, walk.instance_id, "validity_reminder") == []
    clock.set(local(2031, 2, 28, 23, 59))
    assert jobs.fire_due_jobs(ctx) == 0
    assert status_of(ctx, walk) == "filed"
    clock.set(local(2031, 3, 1, 0, 0, 1))
    assert jobs.fire_due_jobs(ctx) == 1
    assert status_of(ctx, walk) == "expired"
    assert jobs_of(ctx, walk.instance_id) == []
    assert len(notifications_of(ctx, "lead1", "validity_reminder")) == 3
