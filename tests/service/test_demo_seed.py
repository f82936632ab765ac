"""The demo seed's applications are genuine process states at every stage (issue 17 item 2)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.consortium.demo import open_demo_round, seed
from service.consortium.demo_stages import already_seeded, seed_applications
from service.engine import identities, tasks
from service.engine.store.models import HumanTask
from service.engine.store.tasks import TaskQuery
from tests.support.procedure import FORMS


def open_steps(ctx) -> dict[str, list[str]]:
    with ctx.unit_of_work(write=False) as uow:
        rows = uow.session.execute(sa.select(HumanTask.business_key, HumanTask.element_id)).all()
    steps: dict[str, list[str]] = {}
    for key, element in rows:
        steps.setdefault(key, []).append(element)
    return {key: sorted(set(found)) for key, found in steps.items()}


def test_every_stage_is_seeded_and_the_drafting_application_can_still_be_submitted(sqlite_ctx, clock):
    ctx = sqlite_ctx
    now = clock.now()
    seed(ctx)
    open_demo_round(ctx)
    clock.set(now - timedelta(days=4 * 365))
    seeded = seed_applications(ctx, clock, now)
    assert clock.now() == now and already_seeded(ctx)
    number = {item["stage"]: item["number"] for item in seeded}
    assert set(number) == {
        "drafting", "member_confirmation", "district_review", "city_review", "expert_review",
        "defense_scheduled", "in_publicity", "awaiting_filing", "filed", "under_evaluation", "near_expiry",
    }
    steps = open_steps(ctx)
    assert steps[number["drafting"]] == ["Task_DraftPlan"]
    assert steps[number["member_confirmation"]] == ["Task_ConfirmMembership"]
    assert steps[number["city_review"]] == ["Task_CityReview"]
    assert steps[number["expert_review"]] == ["Task_DeskReview"]
    assert steps[number["defense_scheduled"]] == ["Task_DefenseScoring"]
    assert steps[number["awaiting_filing"]] == ["Task_FilingDecision"]
    for filed in ("filed", "under_evaluation", "near_expiry", "in_publicity"):
        assert number[filed] not in steps  # no open task on the application itself
    evaluations = {key: found for key, found in steps.items() if key.startswith("JXPJ-")}
    assert sorted(evaluations.values()) == [["Task_DistrictCheck"], ["Task_SelfReport"]]

    # the seeded rounds are closed by now: the applicant's submission joins the demo round
    lead = identities.actor_for(ctx, "lead1")
    for step in ("Task_DraftPlan", "Task_Submit"):
        [task] = [t for t in tasks.list_tasks(ctx, actor=lead, query=TaskQuery(element_id=step))
                  if t.business_key == number["drafting"]]
        tasks.complete_task(ctx, task_id=task.id, actor=lead, data=FORMS[step])
    assert open_steps(ctx)[number["drafting"]] == ["Task_DistrictReview"]
