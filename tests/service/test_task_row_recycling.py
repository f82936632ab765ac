"""A save that ends a task while opening another rewrites the ended task's row into the new one (issue 18,
store/core_writes.py `replace_tasks`): whoever the new task is offered to sees it, whoever only the old
one was offered to no longer does, and no candidate row is left behind, whatever the two sets are and
however many tasks end and open together (a split, a join)."""

from __future__ import annotations

import sqlalchemy as sa

from service.engine import identities, instances, tasks
from service.engine.deployments import deploy
from service.engine.store.models import HumanTask, TaskCandidate
from service.engine.store.tasks import TaskQuery
from tests.support.drawn import drawn

KEY = "recycling"
BODY = """
<bpmn:startEvent id="Start" />
<bpmn:userTask id="A" name="甲" camunda:candidateGroups="city_clerk" />
<bpmn:parallelGateway id="Split" />
<bpmn:userTask id="B" name="乙" camunda:candidateUsers="expert1" />
<bpmn:userTask id="C" name="丙" camunda:candidateGroups="city_clerk" />
<bpmn:parallelGateway id="Join" />
<bpmn:userTask id="D" name="丁" camunda:candidateGroups="city_clerk" camunda:candidateUsers="expert2" />
<bpmn:userTask id="E" name="戊" camunda:candidateGroups="city_clerk" camunda:candidateUsers="expert2" />
<bpmn:endEvent id="End" />
<bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="A" />
<bpmn:sequenceFlow id="F2" sourceRef="A" targetRef="Split" />
<bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="B" />
<bpmn:sequenceFlow id="F4" sourceRef="Split" targetRef="C" />
<bpmn:sequenceFlow id="F5" sourceRef="B" targetRef="Join" />
<bpmn:sequenceFlow id="F6" sourceRef="C" targetRef="Join" />
<bpmn:sequenceFlow id="F7" sourceRef="Join" targetRef="D" />
<bpmn:sequenceFlow id="F8" sourceRef="D" targetRef="E" />
<bpmn:sequenceFlow id="F9" sourceRef="E" targetRef="End" />
"""


def _offered(ctx, user: str, instance_id: str, *, group: str | None = None) -> set[str]:
    """The instance's tasks `user` finds offered to them (to `group`, when given)."""
    actor = identities.actor_for(ctx, user)
    query = TaskQuery(instance_id=instance_id, candidate_user=None if group else user, candidate_group=group)
    return {t.element_id for t in tasks.list_tasks(ctx, actor=actor, query=query)}


def _open(ctx, instance_id: str) -> dict[str, str]:
    with ctx.unit_of_work(write=False) as uow:
        rows = uow.session.execute(
            sa.select(HumanTask.element_id, HumanTask.id).where(HumanTask.instance_id == instance_id)
        )
        return dict(rows.all())


def _candidate_rows(ctx, instance_id: str) -> set[tuple[str, str, str]]:
    """(element, kind, value) of every candidate row of the instance's tasks, and none orphaned."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        orphans = session.scalar(
            sa.select(sa.func.count()).select_from(TaskCandidate)
            .where(~sa.exists().where(HumanTask.id == TaskCandidate.task_id))
        )
        assert orphans == 0
        rows = session.execute(
            sa.select(HumanTask.element_id, TaskCandidate.kind, TaskCandidate.value)
            .join(TaskCandidate, TaskCandidate.task_id == HumanTask.id)
            .where(HumanTask.instance_id == instance_id)
        )
        return set(rows.all())


def _complete(ctx, instance_id: str, element: str, user: str = "city1") -> None:
    task_id = _open(ctx, instance_id)[element]
    tasks.complete_task(ctx, task_id=task_id, actor=identities.actor_for(ctx, user), data={})


def test_each_new_task_is_offered_to_its_own_candidates_through_splits_and_joins(ctx):
    deploy(ctx, files={"recycling.bpmn": drawn(KEY, BODY)}, actor=identities.actor_for(ctx, "owner"))
    city = identities.actor_for(ctx, "city1")
    instance_id = instances.start_instance(ctx, key=KEY, actor=city).id
    assert _candidate_rows(ctx, instance_id) == {("A", "group", "city_clerk")}

    _complete(ctx, instance_id, "A")  # one ends, two open: one row rewritten, one inserted
    assert set(_open(ctx, instance_id)) == {"B", "C"}
    assert _candidate_rows(ctx, instance_id) == {("B", "user", "expert1"), ("C", "group", "city_clerk")}
    assert _offered(ctx, "expert1", instance_id) == {"B"}
    assert _offered(ctx, "city1", instance_id, group="city_clerk") == {"C"}

    _complete(ctx, instance_id, "C")  # one ends, none opens (the join waits for B)
    assert set(_open(ctx, instance_id)) == {"B"}
    _complete(ctx, instance_id, "B", user="expert1")  # B's row becomes D's: its candidates change
    assert _candidate_rows(ctx, instance_id) == {("D", "group", "city_clerk"), ("D", "user", "expert2")}
    assert _offered(ctx, "expert1", instance_id) == set()
    assert _offered(ctx, "expert2", instance_id) == {"D"}

    d_id = _open(ctx, instance_id)["D"]
    _complete(ctx, instance_id, "D")  # the same candidates: the rows stay, under E's id
    open_now = _open(ctx, instance_id)
    assert set(open_now) == {"E"} and open_now["E"] != d_id
    assert _candidate_rows(ctx, instance_id) == {("E", "group", "city_clerk"), ("E", "user", "expert2")}
    assert _offered(ctx, "expert2", instance_id) == {"E"}
    assert tasks.get_task(ctx, task_id=open_now["E"], actor=city).name == "戊"

    _complete(ctx, instance_id, "E")
    assert _open(ctx, instance_id) == {}
    assert _candidate_rows(ctx, instance_id) == set()
    assert instances.get_instance(ctx, instance_id=instance_id, actor=city)["status"] == "completed"
