"""The city bureau's dashboard: filed consortia per "10+1" industry against the 2028 target, the pipeline
by step, overdue tasks and rounds. Only for those who oversee every application.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from forms.vocabulary import INDUSTRIES

from ..actors import Actor
from ..context import Context
from ..engine.store.models import HumanTask
from ..errors import NotFound
from .store.models import Consortium

TARGET_2028 = 20  # "到2028年组建20家左右" (the city's plan)
PIPELINE = (
    "draft", "district_review", "returned", "city_review", "expert_review", "selection", "publicity",
    "filed", "rejected", "not_selected", "not_filed", "expired",
)


@dataclass
class Dashboard:
    filed_by_industry: dict[str, int]
    filed_total: int
    target: int
    pipeline: dict[str, int]
    overdue: list[tuple[HumanTask, str | None]]
    rounds: dict[str, int]


def read_dashboard(ctx: Context, *, actor: Actor) -> Dashboard:
    """Raises NotFound for anyone who does not oversee every application (the page "does not exist")."""
    if not actor.sees_everything:
        raise NotFound("页面不存在 / No such page")
    now = ctx.now()
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        records = list(session.scalars(sa.select(Consortium)))
        overdue = session.execute(
            sa.select(HumanTask, Consortium.name)
            .outerjoin(Consortium, Consortium.instance_id == HumanTask.instance_id)
            .where(HumanTask.due_at < now)
            .order_by(HumanTask.due_at)
        ).all()
    filed = Counter(r.industry for r in records if r.status == "filed")
    statuses = Counter(r.status for r in records)
    rounds = Counter(r.application_no.split("-")[1] for r in records if r.application_no.count("-") >= 2)
    return Dashboard(
        filed_by_industry={i.code: filed.get(i.code, 0) for i in INDUSTRIES},
        filed_total=sum(filed.values()),
        target=TARGET_2028,
        pipeline={s: statuses.get(s, 0) for s in PIPELINE},
        overdue=[(t, name) for t, name in overdue],
        rounds=dict(sorted(rounds.items())),
    )
