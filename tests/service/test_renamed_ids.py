"""Renaming every element id of the recommendation and expert-review diagrams changes nothing (issue 19).

A process owner may rename any step in Camunda Modeler. The product reads what a step declares (its
`consortium.status` / `consortium.step` properties, its task listeners, its call activity's
`calledElement`), never its element id, so the whole procedure walks to filing on the renamed
diagrams exactly as on the bundled ones. Only the walk helpers are told the new ids.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.actors import SYSTEM
from service.consortium import publicity
from service.consortium.demo import bundled_diagrams
from service.consortium.reviews import round_board
from service.consortium.store.models import Consortium, Filing, PublicityNotice
from service.engine import deployments, jobs, tasks
from service.engine.store.models import Job, ProcessInstance
from service.errors import Conflict
from tests.support.procedure import Walk
from tests.support.renaming import rename_ids

RENAMED = ("consortium_recommendation.bpmn", "expert_review.bpmn")


@pytest.fixture
def ids(ctx) -> dict[str, str]:
    """Deploy both diagrams with every element id rewritten; the old id -> new id map."""
    files, mapping = {}, {}
    for index, name in enumerate(RENAMED):
        files[name], renamed = rename_ids(bundled_diagrams()[name], f"Renamed{index}_")
        mapping.update(renamed)
    result = deployments.deploy(ctx, files=files, actor=SYSTEM, name="renamed in Modeler")
    assert sorted(d.key for d in result.created) == ["consortium_recommendation", "expert_review"]
    return mapping


def consortium_of(ctx, walk: Walk) -> Consortium:
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(Consortium).where(Consortium.instance_id == walk.instance_id)
        return uow.session.scalars(query).one()


def pass_publicity(ctx, clock) -> None:
    with ctx.unit_of_work(write=False) as uow:
        notice = uow.session.scalars(sa.select(PublicityNotice)).one()
    clock.set(notice.ends_at + timedelta(seconds=1))
    assert jobs.fire_due_jobs(ctx) == 1


def test_the_whole_procedure_walks_to_filing_on_renamed_ids(ctx, clock, ids):
    walk = Walk(ctx, ids)
    walk.start()
    assert [t.element_id for t in walk.tasks_of("lead1")] == [ids["Task_Initiate"]]  # the renamed diagram
    walk.prepare_and_submit()  # the submission's round window check is declared, not keyed on Task_Submit
    assert consortium_of(ctx, walk).status == "district_review"
    walk.do("Task_DistrictReview")
    assert consortium_of(ctx, walk).status == "city_review"
    walk.do("Task_CityReview")
    record = consortium_of(ctx, walk)
    assert record.status == "expert_review" and record.step == ids["Task_AssignPanel"]

    # the panel step is the round's: a hand completion is refused, the board offers the draw
    assign = walk.tasks_of("city1", "Task_AssignPanel")
    with pytest.raises(Conflict):
        tasks.complete_task(ctx, task_id=assign[0].id, actor=walk.actor("city1"), data={"panel": ["expert1"]})
    board = round_board.read_board(ctx, round_id=walk.round_id, actor=walk.actor("city1"))
    row = board.row(walk.business_key)
    assert (row.waiting_at, row.waiting_name) == ("assign_panel", "组建评审专家组")

    walk.expert_review()  # draw, declarations, desk reviews, site visit, signed score sheets
    assert consortium_of(ctx, walk).status == "selection"
    walk.do("Task_Selection")
    assert consortium_of(ctx, walk).status == "publicity"

    walk.into_publicity()
    publicity.lodge_objection(
        ctx, application_no=walk.business_key, objector_name="钱某", objector_unit="某公司",
        contact="0532-12345678", reason="怀疑申报材料中的研发投入数据不实",
    )
    pass_publicity(ctx, clock)
    walk.do("Task_HandleObjection")  # dismissed: the objection is concluded, the filing decision waits
    objections = publicity.list_objections(ctx, instance_id=walk.instance_id, actor=walk.actor("city1"))
    assert [o.status for o in objections] == ["dismissed"]
    assert consortium_of(ctx, walk).status == "filing_decision"
    walk.do("Task_FilingDecision")
    record = consortium_of(ctx, walk)
    assert record.status == "filed"
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing)).one()
        validity = uow.session.scalars(
            sa.select(Job).where(Job.instance_id == walk.instance_id, Job.kind == "timer")
        ).one()
        row = uow.session.get(ProcessInstance, walk.instance_id)
    assert filing.consortium_id == record.id
    assert validity.element_id == ids["Timer_ValidityEnd"]
    assert row.definition_id != "" and row.status == "active"  # waiting for the validity to end
