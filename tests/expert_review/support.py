"""Shared set-up for the expert-review tests: more experts, a round, applications waiting for a panel."""

from __future__ import annotations

from datetime import timedelta

from service.actors import SYSTEM
from service.consortium.reviews import experts, rounds
from service.context import Context
from service.engine import identities
from tests.support.procedure import Walk

FIELD = "XX-05"  # the walk's industry: intelligent equipment


def add_experts(ctx: Context, logins: list[str], fields: tuple[str, ...] = (FIELD,)) -> None:
    for login in logins:
        identities.add_user(
            ctx,
            user_id=login,
            password="demo1234",
            groups=["expert"],
            display_name=login,
            email=f"{login}@experts.example.cn",
            actor=SYSTEM,
        )
        experts.register_expert(
            ctx,
            actor=SYSTEM,
            user_id=login,
            name=f"专家 {login}",
            fields=list(fields),
            email=f"{login}@experts.example.cn",
        )


def open_round(ctx: Context, walk: Walk, **settings) -> int:
    now = ctx.now()
    opened = rounds.open_round(
        ctx,
        actor=walk.actor("city1"),
        name="2026年第一批",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        **settings,
    )
    return opened["id"]


def walk_to_panel(ctx: Context, round_id: int) -> Walk:
    """One application through city acceptance, waiting at Task_AssignPanel in `round_id`."""
    walk = Walk(ctx)
    walk.round_id = round_id
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    return walk


def declare_all(ctx: Context, walk: Walk, panel_id: int, logins: list[str]) -> None:
    from service.consortium.reviews import panels

    for login in logins:
        panels.declare(
            ctx,
            panel_id=panel_id,
            actor=walk.actor(login),
            no_conflict=True,
            statement="本人与申报单位无利益冲突",
            signature=login,
        )
