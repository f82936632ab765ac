"""W1: what one task completion costs through the use-case layer, against the bare engine.

A generated straight line of 20 user tasks with one-field forms. Per instance: start, then complete each
task as a separate command (its own transaction and commit, as a request would), on a SQLite file and on
PostgreSQL. Beside it, in the same run: bare SpiffWorkflow, our engine in memory, and the floor (our
engine in memory plus one durable commit of the instance row, in the same database, rounds interleaved
with the use case's so a loaded machine slows both alike); every run prints use case / floor (issue 18).
"""

from __future__ import annotations

import statistics
from datetime import datetime

import sqlalchemy as sa

from service.context import Context
from service.engine import identities, instances, tasks
from service.engine.deployments import deploy
from service.engine.store.models import HumanTask
from workflows.engine import Engine

from . import baselines, storage
from .diagrams import FORM_DATA, W1_KEY, register_form, w1_diagram
from .support import START, Report, SqlCounter, Summary, context, database, kinds, rounds_range, stopwatch

TASKS = 20
SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
FLOOR_GOAL = {"sqlite": 2.0, "postgresql": 2.5}  # issue 18: use case / floor


def open_task(ctx: Context, instance_id: str) -> str | None:
    """The instance's one open task (read outside the timed command: a client already knows it)."""
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(HumanTask.id).where(HumanTask.instance_id == instance_id)
        return uow.session.scalars(query).first()


class UseCaseRun:
    """Instances driven through start_instance/complete_task with every figure the note needs."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.counter = SqlCounter(ctx.db)
        self.completions: list[float] = []
        self.starts: list[float] = []
        self.instance_ms: list[float] = []
        self.instance_ids: list[str] = []
        self.completed = 0

    def instance(self, key: str, actor, data: dict) -> None:
        spent: list[float] = []
        with stopwatch(spent):
            started = instances.start_instance(self.ctx, key=key, actor=actor)
        self.starts.extend(spent)
        while (task_id := open_task(self.ctx, started.id)) is not None:
            with self.counter.counting(), stopwatch(spent):
                tasks.complete_task(self.ctx, task_id=task_id, actor=actor, data=data)
            self.completions.append(spent[-1])
            self.completed += 1
        self.instance_ms.append(sum(spent))
        self.instance_ids.append(started.id)


def durability(ctx: Context) -> str:
    """The settings a commit's cost depends on, as the database reports them."""
    with ctx.db.connect() as conn:
        if ctx.db.dialect.name == "sqlite":
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            return f"journal_mode={mode}, synchronous={SYNCHRONOUS.get(sync, sync)}"
        return "synchronous_commit=" + str(conn.exec_driver_sql("SHOW synchronous_commit").scalar())


def usecase(url: str, xml: bytes, rounds: int, per_round: int, report: Report,
            compiled: tuple[Engine, str]) -> tuple[float, float]:
    """(median ms per use-case completion, median ms per floor completion), measured in alternating rounds."""
    ctx, _clock = context(url)
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": xml}, actor=owner)
    UseCaseRun(ctx).instance(W1_KEY, city, FORM_DATA)  # warm-up: spec cache, statement caches, pool
    run = UseCaseRun(ctx)
    disk_before = storage.on_disk(ctx)
    round_medians, round_rates, floor, floor_rounds = [], [], [], []
    engine, spec_json = compiled
    for _ in range(rounds):
        first = len(run.completions)
        first_instance = len(run.instance_ms)
        for _ in range(per_round):
            run.instance(W1_KEY, city, FORM_DATA)
        round_medians.append(statistics.median(run.completions[first:]))
        round_rates.append(1000 * per_round / sum(run.instance_ms[first_instance:]))
        per = baselines.floor(engine, spec_json, ctx.db, run.instance_ids[0], cache_key="bench-w1",
                              data=FORM_DATA, now=START, instances=per_round)
        floor.extend(per)
        floor_rounds.append(statistics.median(per))
    disk = (storage.on_disk(ctx) - disk_before) / len(run.instance_ids)
    stored = storage.payload(ctx, run.instance_ids)
    report(f"  use case, ms per completion      {Summary.of(run.completions)}")
    report(f"    median of round medians        {rounds_range(round_medians)}")
    report(f"  floor: engine in memory + one durable commit of the instance row ({durability(ctx)})")
    report(f"    ms per completion              {Summary.of(floor)}")
    report(f"    median of round medians        {rounds_range(floor_rounds)}")
    report(f"  use case, ms per start           {Summary.of(run.starts)}")
    report(f"  instances/s (start + {TASKS} completions, one client) {rounds_range(round_rates)}")
    report(
        f"  SQL statements per completion    {run.counter.statements / run.completed:.1f}"
        f"   commits per completion {run.counter.commits / run.completed:.2f}"
    )
    report(
        f"  bytes stored per completed instance: state_json {stored['state_json']:.0f}, variables_json "
        f"{stored['variables_json']:.0f}, audit events {stored['audit_events']:.0f} "
        f"(detail {stored['audit_detail']:.0f}); database growth on disk {disk:.0f}"
    )
    ctx.db.dispose()
    return statistics.median(run.completions), statistics.median(floor)


def main(rounds: int = 5, per_round: int = 10) -> Report:
    report = Report("w1")
    register_form()
    xml = w1_diagram(TASKS)
    report(f"W1: linear diagram of {TASKS} user tasks, one-field forms; {rounds} rounds x {per_round}")

    bare, bare_rounds, size = [], [], 0
    for _ in range(rounds):
        per, size = baselines.bare_spiff(xml, W1_KEY, FORM_DATA, per_round)
        bare.extend(per)
        bare_rounds.append(statistics.median(per))
    report(f"  bare SpiffWorkflow, ms per completion + full JSON  {Summary.of(bare)}")
    report(f"    median of round medians        {rounds_range(bare_rounds)}; JSON at the end {size} bytes")

    engine = Engine()
    compiled = engine.compile({"w1.bpmn": xml})[W1_KEY]
    mem, mem_rounds = [], []
    for _ in range(rounds):
        per, size = baselines.engine_in_memory(
            engine, compiled.spec_json, cache_key="bench-w1", variables={},
            pick=lambda ready: (ready[0], FORM_DATA) if ready else None,
            handlers={}, now=START, instances=per_round,
        )
        mem.extend(per)
        mem_rounds.append(statistics.median(per))
    report(f"  our engine in memory (restore+complete+reads+state JSON)  {Summary.of(mem)}")
    report(f"    median of round medians        {rounds_range(mem_rounds)}; state JSON {size} bytes")

    bare_median = statistics.median(bare)
    for kind in kinds():
        report(f"  --- {kind}")
        with database(kind) as url:
            median, floor = usecase(url, xml, rounds, per_round, report, (engine, compiled.spec_json))
        report(f"  ratio use case / floor = {median / floor:.2f}x   (goal: {FLOOR_GOAL[kind]:.1f}x or less)")
        report(
            f"  ratio use case / bare SpiffWorkflow = {median / bare_median:.2f}x;"
            f" use case / our engine in memory = {median / statistics.median(mem):.2f}x"
        )
    report(f"  (run at {datetime.now().isoformat(timespec='seconds')})")
    return report


if __name__ == "__main__":
    main().save()
