"""The city bureau's dashboard: consortia whose filing is in force, per "10+1" industry and per year
against the 2028 target, the pipeline by status, overdue tasks and applications per year. Only for those
who oversee every application.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forms.vocabulary import INDUSTRIES

from ..actors import Actor
from ..clock import local_today
from ..context import Context
from ..engine.store.models import HumanTask
from ..errors import NotFound
from .store.models import Consortium, Filing, SubTrack
from .supervision.support_measures import latest_grades

TARGET_2028 = 20  # "到2028年组建20家左右" (the city's plan)
TARGET_YEAR = 2028
PIPELINE = (
    "draft", "district_review", "returned", "city_review", "expert_review", "selection", "publicity",
    "filed", "under_rectification", "rejected", "not_selected", "not_filed", "expired",
    "revoked", "renewed", "dissolved",
)


@dataclass(frozen=True)
class YearRow:
    """One calendar year (Beijing time) of first filings: `filed` new consortia, `cumulative` since the
    first filing, and the target line (20 by 2028) for comparison."""

    year: int
    filed: int
    cumulative: int


@dataclass
class Dashboard:
    """`in_force_by_industry` maps every "10+1" industry code to the number of consortia whose filing is
    in force today; `in_force_total` is their sum (a consortium counts once, whatever its industry)."""

    in_force_by_industry: dict[str, int]
    in_force_by_sub_track: list[tuple[str, str, int]]  # (sub-track code, name, count), largest first
    in_force_total: int
    target: int
    target_year: int
    by_year: list[YearRow]
    pipeline: dict[str, int]
    overdue: list[tuple[HumanTask, str | None]]
    applications_per_year: dict[str, int]
    # 七（二）对评价优秀的加大支持力度: (consortium id, name) whose latest evaluation is excellent, in force
    increased_support: list[tuple[int, str]] = field(default_factory=list)


def read_dashboard(ctx: Context, *, actor: Actor) -> Dashboard:
    """The dashboard's figures at `ctx.now()`.

    A filing is in force on a day when its status is still "filed" (neither expired nor revoked, 七（二）)
    and the day lies within its validity (valid_from … valid_until, both inclusive). A renewal's filing
    counts for the renewed consortium and is not a new consortium in the per-year figures.

    Raises NotFound for anyone who does not oversee every application (the page "does not exist").
    """
    if not actor.sees_everything:
        raise NotFound("页面不存在 / No such page")
    now = ctx.now()
    today = local_today(now)
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        statuses = Counter(dict(session.execute(
            sa.select(Consortium.status, sa.func.count()).group_by(Consortium.status)).all()))
        in_force = _in_force(session, today)
        first_filings = session.execute(
            sa.select(Filing.filed_at)
            .join(Consortium, Consortium.id == Filing.consortium_id)
            .where(Consortium.previous_filing_id.is_(None))
        ).scalars().all()
        numbers = session.scalars(sa.select(Consortium.application_no)).all()
        overdue = session.execute(
            sa.select(HumanTask, Consortium.name)
            .outerjoin(Consortium, Consortium.instance_id == HumanTask.instance_id)
            .where(HumanTask.due_at < now)
            .order_by(HumanTask.due_at)
        ).all()
        names = dict(session.execute(sa.select(SubTrack.code, SubTrack.name)).all())
        in_force_ids = [c for c, _, _ in in_force]
        grades = latest_grades(session, in_force_ids)
        excellent = [c for c, grade in grades.items() if grade == "excellent"]
        increased = session.execute(
            sa.select(Consortium.id, Consortium.name)
            .where(Consortium.id.in_(excellent))
            .order_by(Consortium.id)
        ).all()
    by_industry = Counter(industry for _, industry, _ in in_force)
    by_sub_track = Counter(track for _, _, track in in_force if track)
    applications = Counter(n.split("-")[1] for n in numbers if n.count("-") >= 2)
    return Dashboard(
        in_force_by_industry={i.code: by_industry.get(i.code, 0) for i in INDUSTRIES},
        in_force_by_sub_track=[(c, names.get(c, c), n) for c, n in by_sub_track.most_common()],
        in_force_total=len(in_force),
        target=TARGET_2028,
        target_year=TARGET_YEAR,
        by_year=_by_year([local_today(t) for t in first_filings], today),
        pipeline={s: statuses.get(s, 0) for s in PIPELINE},
        overdue=[(t, name) for t, name in overdue],
        applications_per_year=dict(sorted(applications.items())),
        increased_support=[(i, name) for i, name in increased],
    )


def _in_force(session: Session, today: date) -> list[tuple[int, str | None, str | None]]:
    """(consortium id, industry, sub-track) of each consortium with a filing in force on `today`, once."""
    return session.execute(
        sa.select(Consortium.id, Consortium.industry, Consortium.sub_track).distinct()
        .join(Filing, Filing.consortium_id == Consortium.id)
        .where(Filing.status == "filed", Filing.valid_from <= today, Filing.valid_until >= today)
    ).all()


def _by_year(filed_on: list[date], today: date) -> list[YearRow]:
    """Rows from the first filing's year (or this year) to the later of this year and the target year."""
    per_year = Counter(d.year for d in filed_on)
    first = min([*per_year, today.year])
    rows, cumulative = [], 0
    for year in range(first, max(today.year, TARGET_YEAR) + 1):
        cumulative += per_year.get(year, 0)
        rows.append(YearRow(year, per_year.get(year, 0), cumulative))
    return rows
