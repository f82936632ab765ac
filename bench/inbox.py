"""The inbox at scale: 10,000 open instances waiting at user tasks across groups and districts.

A few real applications are driven through the use cases to five typical waits (initiation, member
confirmations, district review, city review, desk reviews by experts); their rows (instance, human
tasks, candidates, access grants) are then cloned in bulk with fresh ids, spread over Qingdao's districts
and lead units and over time. Cloned instances are for reading only: their state JSON still names the
template's task ids. Then the task lists a district clerk and a city clerk open are timed through
`list_tasks`/`count_tasks`, first page and a filtered later page, each a use case of its own.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from service.context import Context
from service.engine import tasks
from service.engine.store.db import is_postgres
from service.engine.store.models import HumanTask, InstanceAccess, ProcessInstance, TaskCandidate
from service.engine.store.tasks import TaskQuery, scope_key
from tests.support.procedure import Walk

from .support import Report, Summary, context, database, kinds, stopwatch

OPEN_INSTANCES = 10_000
REPEAT = 200
DISTRICTS = [
    "崂山区", "城阳区", "黄岛区", "市南区", "市北区", "李沧区", "即墨区", "胶州市", "平度市", "莱西市",
]


def templates(ctx: Context) -> list[str]:
    """Instance ids of real applications waiting at five different steps."""
    waits = []
    walk = Walk(ctx)
    waits.append(walk.start())  # Task_Initiate, the lead unit's
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    waits.append(walk.instance_id)  # five Task_ConfirmMembership, one per member unit
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    waits.append(walk.instance_id)  # Task_DistrictReview, the district clerk's
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    waits.append(walk.instance_id)  # Task_CityReview
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.do("Task_AssignPanel")
    waits.append(walk.instance_id)  # five Task_DeskReview, assigned to the experts
    return waits


def _rows(session, model, column, value) -> list[dict]:
    table = model.__table__
    return [dict(r._mapping) for r in session.execute(sa.select(table).where(column == value))]


def clone(ctx: Context, template_ids: list[str], count: int) -> int:
    """Insert `count` copies of the templates' rows; returns how many open tasks exist afterwards."""
    with ctx.unit_of_work() as uow:
        session = uow.session
        sources = []
        for instance_id in template_ids:
            human = _rows(session, HumanTask, HumanTask.instance_id, instance_id)
            candidates = {
                h["id"]: _rows(session, TaskCandidate, TaskCandidate.task_id, h["id"]) for h in human
            }
            sources.append(
                (
                    _rows(session, ProcessInstance, ProcessInstance.id, instance_id)[0],
                    human,
                    candidates,
                    _rows(session, InstanceAccess, InstanceAccess.instance_id, instance_id),
                )
            )
        batch: dict[str, list[dict]] = {"i": [], "h": [], "c": [], "a": []}
        for k in range(count):
            instance, human, candidates, access = sources[k % len(sources)]
            new_id, district = str(uuid.uuid4()), DISTRICTS[(k // len(sources)) % len(DISTRICTS)]
            lead = f"9137{k:014d}"  # a distinct lead unit per application
            moved = timedelta(seconds=k)
            batch["i"].append(
                {**instance, "id": new_id, "district": district, "lead_credit_code": lead,
                 "business_key": f"BENCH-{k:05d}", "started_at": instance["started_at"] + moved}
            )
            for task in human:
                task_id = str(uuid.uuid4())
                organisation = task["organisation"]
                if organisation == instance["lead_credit_code"]:
                    organisation = lead
                batch["h"].append(
                    {**task, "id": task_id, "instance_id": new_id, "district": district,
                     "business_key": f"BENCH-{k:05d}", "organisation": organisation,
                     "created_at": task["created_at"] + moved,
                     "due_at": task["due_at"] + moved if task["due_at"] else None}
                )
                for c in candidates[task["id"]]:
                    key = scope_key(c["kind"], c["value"], organisation=organisation, district=district)
                    batch["c"].append({**c, "task_id": task_id, "scope_key": key})
            batch["a"].extend({**a, "instance_id": new_id} for a in access)
            if len(batch["i"]) >= 1000 or k == count - 1:
                for key, model in (("i", ProcessInstance), ("h", HumanTask), ("c", TaskCandidate),
                                   ("a", InstanceAccess)):
                    if batch[key]:
                        session.execute(sa.insert(model.__table__), batch[key])
                    batch[key] = []
        uow.commit()
    with ctx.db.connect() as conn:
        conn.exec_driver_sql("ANALYZE")  # as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would
        if is_postgres(ctx.db):
            conn.commit()
        return conn.scalar(sa.select(sa.func.count()).select_from(HumanTask))


def time_view(ctx: Context, login: str, query: TaskQuery, report: Report, label: str) -> None:
    walk = Walk(ctx)
    actor = walk.actor(login)
    listed, counted, rows, total = [], [], 0, 0
    for _ in range(REPEAT):
        with stopwatch(listed):
            rows = len(tasks.list_tasks(ctx, actor=actor, query=query))
        with stopwatch(counted):
            total = tasks.count_tasks(ctx, actor=actor, query=query)
    report(f"  {login:9s} {label:44s} list ({rows:2d} rows) ms {Summary.of(listed)}")
    report(f"  {'':9s} {'':44s} count ({total:5d})   ms {Summary.of(counted)}")


VIEWS = [
    ("district1", "first page, newest first", TaskQuery(sort_by="created", descending=True, max_results=20)),
    ("district1", "district reviews unassigned, by due date, page 2",
     TaskQuery(element_id="Task_DistrictReview", unassigned=True, sort_by="dueDate", first=20,
               max_results=20)),
    ("city1", "first page, newest first", TaskQuery(sort_by="created", descending=True, max_results=20)),
    ("city1", "group city_clerk, unassigned, page 3",
     TaskQuery(candidate_group="city_clerk", unassigned=True, sort_by="created", first=40, max_results=20)),
    ("expert1", "own tasks, first page", TaskQuery(max_results=20)),
]


def main(open_instances: int = OPEN_INSTANCES) -> Report:
    report = Report("inbox")
    report(f"Inbox at scale: {open_instances} open instances; median/p95 over {REPEAT} requests each")
    for kind in kinds():
        with database(kind) as url:
            ctx, _clock = context(url)
            total = clone(ctx, templates(ctx), open_instances)
            report(f"  --- {kind}: {total} open tasks")
            for login, label, query in VIEWS:
                time_view(ctx, login, query, report, label)
            ctx.db.dispose()
    return report


if __name__ == "__main__":
    main().save()
