"""The scheduler: restarts lose nothing and fire once; three processes on PostgreSQL never double fire."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from scheduler.runner import JobRunner
from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config
from service.engine.store.models import AuditEvent

from .support import completed, deploy_probe, fired_per_instance, local, start_probes

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, timeout: float = 60.0) -> bool:
    """Poll the database for the scheduler thread or processes (they run on real time, not the test's)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_jobs_that_came_due_while_stopped_fire_once_on_restart(ctx, clock):
    deploy_probe(ctx)
    ids = start_probes(ctx, clock.now() + timedelta(hours=1), 12)
    runner = JobRunner(ctx, safety_interval=3600)
    runner.start()
    assert runner.held_jobs() <= 2  # the job table holds the deadlines; APScheduler a wake-up and the safety
    time.sleep(0.3)  # give a (wrong) early firing the chance to show
    runner.stop()
    assert fired_per_instance(ctx) == {}

    clock.advance(hours=2)  # everything comes due while no scheduler runs
    runner = JobRunner(ctx, safety_interval=3600)
    runner.start()
    try:
        assert wait_until(lambda: completed(ctx, ids) == len(ids))
    finally:
        runner.stop()
    assert fired_per_instance(ctx) == dict.fromkeys(ids, 1)


def test_a_commit_that_changes_jobs_re_arms_the_running_scheduler(ctx, clock):
    deploy_probe(ctx)
    [soon] = start_probes(ctx, clock.now() + timedelta(hours=1), 1)
    runner = JobRunner(ctx, safety_interval=3600)  # no safety tick during the test: only re-arming helps
    runner.start()
    try:
        assert wait_until(lambda: runner.armed_in() > 3000)  # the start tick found nothing and armed for +1h
        clock.advance(hours=2)  # due now, but the runner sleeps for an hour of real time
        time.sleep(0.3)
        assert completed(ctx, [soon]) == 0
        [late] = start_probes(ctx, clock.now() + timedelta(days=1), 1)  # any commit that touches jobs
        assert wait_until(lambda: completed(ctx, [soon]) == 1, timeout=20)
        assert completed(ctx, [late]) == 0
    finally:
        runner.stop()


def scheduler_process(url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:  # a file, not a pipe: nobody reads a pipe while the test waits
        return subprocess.Popen(
            [sys.executable, "-c", "from scheduler.cli import main; main()", "scheduler", "--interval", "1"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )


def test_three_scheduler_processes_fire_500_due_jobs_exactly_once(postgres_factory, tmp_path):
    url = postgres_factory.new_database()
    clock = MovableClock(local(2025, 12, 31, 9, 0))
    ctx = build_context(Config(database_url=url), clock=clock)
    try:
        deploy_probe(ctx)
        ids = start_probes(ctx, local(2026, 1, 1, 9, 0), 500)  # long past on the processes' real clocks
        assert fired_per_instance(ctx) == {}
        logs = [tmp_path / f"scheduler{i}.log" for i in range(3)]
        processes = [scheduler_process(url, log) for log in logs]
        try:
            done = wait_until(lambda: completed(ctx, ids) == 500, timeout=240)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=60)
        assert done, [log.read_text()[-3000:] for log in logs]
        fired = fired_per_instance(ctx)
        assert len(fired) == 500 and set(fired.values()) == {1}
        with ctx.unit_of_work(write=False) as uow:
            details = uow.session.scalars(
                sa.select(AuditEvent.detail_json).where(AuditEvent.action == "timer.fired")
            ).all()
        by_process = Counter(d.split('"scheduler": "')[1].split('"')[0] for d in details)
        assert len(by_process) >= 2, by_process  # they really competed for the same jobs
    finally:
        ctx.db.dispose()
        postgres_factory.drop(url)
