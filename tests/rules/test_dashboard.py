"""The dashboard counts consortia whose filing is in force (issue 14, item 14; guideline 七（二）: a filing
stays in force under rectification until revoked or expired), per industry and per year against the
20-by-2028 target.
"""

from __future__ import annotations

from datetime import date, timedelta

from service.clock import local_today
from service.consortium.dashboard import read_dashboard
from service.consortium.supervision.evaluations import RoundSettings
from service.engine import jobs
from tests.rules.test_hearing import fail_evaluation
from tests.supervision.support import actor, consortium


def test_a_consortium_under_rectification_still_counts_as_in_force_until_its_filing_expires(ctx, clock):
    settings = RoundSettings(
        title="2026年度绩效评价", data_from=date(2025, 1, 1), data_until=date(2025, 12, 31),
        rectification_enabled=True,
    )
    _, consortium_id = fail_evaluation(ctx, clock, settings)
    record = consortium(ctx, consortium_id=consortium_id)
    assert record.status == "under_rectification"

    board = read_dashboard(ctx, actor=actor(ctx, "city1"))
    assert board.in_force_total == 1
    assert board.in_force_by_industry[record.industry] == 1
    assert sum(board.in_force_by_industry.values()) == 1
    this_year = local_today(clock.now()).year
    [row] = [r for r in board.by_year if r.year == this_year]
    assert (row.filed, row.cumulative) == (1, 1)
    assert board.by_year[-1].year == max(this_year, 2028)
    assert board.pipeline["under_rectification"] == 1

    clock.set(clock.now() + timedelta(days=3 * 366 + 10))  # past the three-year validity
    jobs.fire_due_jobs(ctx)
    later = read_dashboard(ctx, actor=actor(ctx, "city1"))
    assert later.in_force_total == 0
    assert [r.cumulative for r in later.by_year if r.year == this_year] == [1]  # history stays
