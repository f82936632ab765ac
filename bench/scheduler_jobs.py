"""Scheduler at 10,000 and 100,000 pending jobs: what one scheduler holds, its memory, due-to-fired delay.

`python -m bench.scheduler_jobs` (not a test; prints figures, saves bench/results/scheduler_jobs.txt).
For each size the job table gets that many pending timer jobs due in a year (they never fire here), then
PROBES real instances of a one-timer diagram come due over a few seconds of real time while a JobRunner
(APScheduler, real clock) runs in this process. The delay is the audit `timer.fired` time (the firing
command's clock reading) minus the timer's due time. RSS is this whole process (data set-up included);
the figure that matters is its growth while the scheduler ran with N pending jobs.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.support import Report, database, kinds, percentile
from scheduler.runner import JobRunner
from service.actors import SYSTEM
from service.bootstrap import build_context
from service.config import Config
from service.context import Context
from service.engine import deployments, instances
from service.engine.store.models import AuditEvent, Job

SIZES = (10_000, 100_000)
PROBES = 200
SPREAD_SECONDS = 8.0
LEAD_SECONDS = 20


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def probe_diagram() -> bytes:
    from tests.deadlines.support import TIMER_DIAGRAM

    return TIMER_DIAGRAM


def fill(ctx: Context, pending: int) -> None:
    """`pending` timer jobs a year ahead, on one waiting instance (bulk insert; they only need to exist)."""
    far = datetime.now(UTC) + timedelta(days=365)
    [holder] = [instances.start_instance(ctx, key="deadline_probe", actor=SYSTEM,
                                         variables={"fire_at": far.isoformat()}).id]
    now = datetime.now(UTC)
    rows = [
        {"id": str(uuid.uuid4()), "instance_id": holder, "kind": "timer", "task_id": None,
         "element_id": "Timer_Probe", "due_at": far + timedelta(seconds=i), "retries": 3, "last_error": None,
         "created_at": now, "payload_json": "{}"}
        for i in range(pending - 1)
    ]
    with ctx.unit_of_work() as uow:
        for start in range(0, len(rows), 5000):
            uow.session.execute(sa.insert(Job), rows[start:start + 5000])
        uow.commit()


def run_size(kind: str, pending: int, report: Report) -> None:
    with database(kind) as url:
        ctx = build_context(Config(database_url=url))
        deployments.deploy(ctx, files={"deadline_probe.bpmn": probe_diagram()}, actor=SYSTEM, name="bench")
        fill(ctx, pending)
        base = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)  # all created before due
        dues = [base + timedelta(seconds=SPREAD_SECONDS * i / PROBES) for i in range(PROBES)]
        ids = [instances.start_instance(ctx, key="deadline_probe", actor=SYSTEM,
                                        variables={"fire_at": due.isoformat()}).id for due in dues]
        if datetime.now(UTC) >= base:
            report(f"warning: creating the probes took over {LEAD_SECONDS} s; early delays are inflated")
        due_of = dict(zip(ids, dues, strict=True))
        with ctx.unit_of_work(write=False) as uow:
            total = uow.session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.retries > 0))
        before = rss_mb()
        runner = JobRunner(ctx, safety_interval=30)
        runner.start()
        held = runner.held_jobs()
        deadline = time.monotonic() + LEAD_SECONDS + SPREAD_SECONDS + 60
        fired: dict[str, datetime] = {}
        while time.monotonic() < deadline and len(fired) < PROBES:
            time.sleep(0.5)
            with ctx.unit_of_work(write=False) as uow:
                fired = dict(uow.session.execute(
                    sa.select(AuditEvent.instance_id, AuditEvent.at).where(AuditEvent.action == "timer.fired")
                ).all())
        runner.stop()
        after = rss_mb()
        delays = [(fired[i] - due_of[i]).total_seconds() * 1000 for i in ids if i in fired]
        ctx.db.dispose()
    report(f"{kind:10} pending {total:>7,}  APScheduler holds {held} jobs  "
           f"RSS {before:6.1f} MB -> {after:6.1f} MB (+{after - before:.1f})")
    if delays:
        median, p95 = percentile(delays, 50), percentile(delays, 95)
        report(f"{'':10} due->fired ms: median {median:7.1f}  p95 {p95:7.1f}  max {max(delays):7.1f}"
               f"  ({len(delays)}/{PROBES} probes fired)")
    else:
        report(f"{'':10} no probe fired within the wait")


def main() -> Report:
    report = Report("scheduler_jobs")
    report(f"scheduler_jobs: {PROBES} probes due over {SPREAD_SECONDS:.0f} s, real clock, one JobRunner")
    for kind in kinds():
        for pending in SIZES:
            run_size(kind, pending, report)
    return report


if __name__ == "__main__":
    print(f"saved {main().save()}")
