"""One application moved between two versions of the recommendation diagram at every kind of wait state
the procedure has (a user task, a multi-instance confirmation, a due-dated review, the expert review's
panel steps, the publicity timer, the filing decision), alternating between version 1 and the owner's
version 2 (tests/support/owner_edit.py), and still filed at the end: migration (issue 15 item 8) keeps
what the rest of the procedure reads (tasks, timers, variables, the consortium record)."""

from __future__ import annotations

import sqlalchemy as sa

from service.consortium.store.models import Consortium
from service.engine import deployments, migration
from service.engine.store.models import Job, ProcessInstance
from tests.support.owner_edit import FORM, FORM_FILE, with_material_step
from tests.support.procedure import MEMBER_LOGINS, MEMBERS, Walk


def _definition_of(ctx, walk: Walk) -> str:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.get(ProcessInstance, walk.instance_id).definition_id


def _move(ctx, walk: Walk, target: str) -> None:
    owner = walk.actor("owner")
    source = _definition_of(ctx, walk)
    plan = migration.generate(ctx, actor=owner, source_id=source, target_id=target)
    before = sorted(t.id for t in walk.tasks_of("admin"))
    moved = migration.execute(ctx, actor=owner, plan=plan, instance_ids=[walk.instance_id])
    assert moved == [walk.instance_id]
    assert _definition_of(ctx, walk) == target
    assert sorted(t.id for t in walk.tasks_of("admin")) == before  # the same open tasks, same ids


def test_an_application_moved_at_every_wait_state_is_still_filed(ctx, clock):
    walk = Walk(ctx)
    walk.start()
    v1 = _definition_of(ctx, walk)
    deployed = deployments.deploy(ctx, files={"consortium_recommendation.bpmn": with_material_step(),
                                              FORM_FILE: FORM}, actor=walk.actor("owner"))
    [v2] = [d.id for d in deployed.created]
    versions = iter([v2, v1] * 10)

    walk.do("Task_Initiate")
    _move(ctx, walk, next(versions))
    walk.do("Task_InviteMembers")
    _move(ctx, walk, next(versions))  # one confirmation per member (multi-instance)
    first, *others = MEMBERS
    walk.do("Task_ConfirmMembership", login=MEMBER_LOGINS[first["credit_code"]])
    _move(ctx, walk, next(versions))  # half of them confirmed
    for member in others:
        walk.do("Task_ConfirmMembership", login=MEMBER_LOGINS[member["credit_code"]])
    for step in ("Task_SignAgreement", "Task_HireChiefExpert", "Task_DraftPlan", "Task_Submit"):
        _move(ctx, walk, next(versions))
        walk.do(step)
    _move(ctx, walk, next(versions))  # district review, due date set
    walk.do("Task_DistrictReview")
    _move(ctx, walk, next(versions))
    walk.do("Task_CityReview")
    _move(ctx, walk, next(versions))  # the panel steps
    walk.expert_review()
    _move(ctx, walk, next(versions))
    walk.do("Task_Selection")
    _move(ctx, walk, next(versions))  # the publicity period's timer
    walk.end_publicity(clock)
    _move(ctx, walk, next(versions))
    walk.do("Task_FilingDecision")

    with ctx.unit_of_work(write=False) as uow:
        consortium = uow.session.scalars(sa.select(Consortium).where(
            Consortium.instance_id == walk.instance_id)).one()
        assert consortium.status == "filed"
    timers = _timers(ctx, walk)
    assert timers  # the filing's validity
    _move(ctx, walk, next(versions))
    assert _timers(ctx, walk) == timers  # a timer keeps its due moment (no updateEventTrigger)


def _timers(ctx, walk: Walk) -> list[tuple[str, object]]:
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(Job).where(Job.instance_id == walk.instance_id, Job.kind == "timer")
        jobs = uow.session.scalars(query)
        return sorted((j.element_id, j.due_at) for j in jobs)
