"""The working-day calendar table: holidays, adjusted working days, unknown years, loading a year."""

from __future__ import annotations

from datetime import date

import pytest

from service.actors import SYSTEM, Actor
from service.deadline_settings import CALENDAR, PublicityRule
from service.engine import calendar
from service.engine.calendar import UnknownCalendarYear, WorkingCalendar
from service.errors import Forbidden, InvalidInput

from .support import ARRANGEMENT_2027

DEFAULT = PublicityRule()


def period(ctx, published: date, rule: PublicityRule = DEFAULT) -> tuple[date, date]:
    with ctx.unit_of_work(write=False) as uow:
        return calendar.publicity_period(WorkingCalendar(uow.session), published, rule)


def test_national_day_pushes_publicity_past_the_holiday_and_counts_the_adjusted_saturday(ctx):
    # published Wed 30 Sep 2026: 1-7 Oct are holidays, Sat 10 Oct is a working day (调休)
    assert period(ctx, date(2026, 9, 30)) == (date(2026, 10, 1), date(2026, 10, 13))
    # counted in calendar days instead, the same notice would end during the holiday
    assert period(ctx, date(2026, 9, 30), PublicityRule(length=7, unit=CALENDAR, min_calendar_days=0)) == (
        date(2026, 10, 1),
        date(2026, 10, 7),
    )


def test_spring_festival_counts_the_adjusted_saturday_before_it(ctx):
    # published Fri 13 Feb 2026: Sat 14 Feb is worked, 15-23 Feb are holidays
    assert period(ctx, date(2026, 2, 13)) == (date(2026, 2, 14), date(2026, 2, 27))


def test_minimum_calendar_days_wins_over_a_short_working_week(sqlite_ctx):
    # published Mon 2 Mar 2026: the 5th working day is Mon 9 Mar, the 7th calendar day too
    assert period(sqlite_ctx, date(2026, 3, 2)) == (date(2026, 3, 3), date(2026, 3, 9))
    assert period(sqlite_ctx, date(2026, 3, 2), PublicityRule(length=3, min_calendar_days=10))[1] == date(
        2026, 3, 12
    )


def test_a_year_not_loaded_is_refused_until_an_administrator_loads_it(ctx):
    with ctx.unit_of_work(write=False) as uow, pytest.raises(UnknownCalendarYear, match="2027"):
        WorkingCalendar(uow.session).add_working_days(date(2026, 12, 28), 5)
    loaded = calendar.load_year(ctx, text=ARRANGEMENT_2027, source="2027.txt", actor=SYSTEM)
    assert (loaded.year, loaded.holidays, loaded.adjusted_workdays) == (2027, 10, 1)
    with ctx.unit_of_work(write=False) as uow:
        cal = WorkingCalendar(uow.session)
        # Mon 28 Dec + 5: 29, 30, 31 Dec, (1-3 Jan holiday) Mon 4, Tue 5 Jan
        assert cal.add_working_days(date(2026, 12, 28), 5) == date(2027, 1, 5)
        assert cal.is_workday(date(2027, 2, 13))  # the adjusted Saturday
        assert not cal.is_workday(date(2027, 2, 8))  # a Monday of the Spring Festival
    assert 2027 in calendar.known_years(ctx)


def test_loading_refuses_bad_files_and_non_administrators(sqlite_ctx):
    clerk = Actor(id="city1", groups=frozenset({"city_clerk"}))
    with pytest.raises(Forbidden):
        calendar.load_year(sqlite_ctx, text=ARRANGEMENT_2027, source="x", actor=clerk)
    with pytest.raises(InvalidInput) as refused:
        calendar.load_year(sqlite_ctx, text="2027-01-01 holiday 元旦\n2027-13-01 holiday x\nnonsense\n",
                           source="x", actor=SYSTEM)
    assert any("line 2" in m for m in refused.value.fields["file"])
    assert any("line 3" in m for m in refused.value.fields["file"])
    with pytest.raises(InvalidInput) as refused:
        calendar.load_year(sqlite_ctx, text="2027-01-01 holiday 元旦\n2028-01-01 holiday 元旦\n",
                           source="x", actor=SYSTEM)
    assert "exactly one year" in refused.value.fields["file"][0]
    assert 2027 not in calendar.known_years(sqlite_ctx)


def test_civil_code_year_arithmetic():
    assert calendar.add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert calendar.add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)
    assert calendar.add_years(date(2026, 3, 9), 3) == date(2029, 3, 9)
