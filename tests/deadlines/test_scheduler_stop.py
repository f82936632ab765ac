"""Stopping a scheduler never hangs: SIGTERM while a tick waits on the database ends the process within a few
seconds (`consortium scheduler` and the in-process scheduler of `consortium serve`), and the tick it cut
short leaves nothing half done: its jobs stay due and fire once later."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from scheduler.runner import JobRunner
from service.engine import jobs
from tests.support.smtp import free_port

from .support import completed, deploy_probe, fired_per_instance, local, start_probes

ROOT = Path(__file__).resolve().parents[2]
EXIT_WITHIN = 8.0  # seconds from SIGTERM to exit: the runner gives a tick in flight 3 s, then leaves


class DatabaseLock:
    """Holds the database's write lock (SQLite) or an exclusive lock on the job table (PostgreSQL), so a
    scheduler's tick blocks inside the database until `release`."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        if url.startswith("sqlite"):
            self.conn = sqlite3.connect(sa.engine.make_url(url).database, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn = psycopg.connect(self.url)
            self.conn.execute("LOCK TABLE job IN ACCESS EXCLUSIVE MODE")

    def waiters(self) -> int | None:
        """Sessions blocked on a lock (PostgreSQL); None where the database cannot tell (SQLite)."""
        if self.url.startswith("sqlite"):
            return None
        with psycopg.connect(self.url, autocommit=True) as other:
            return other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            ).fetchone()[0]

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def launch(url: str, args: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-c", "from scheduler.cli import main; main()", *args],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("command", ["scheduler", "serve"])
def test_sigterm_with_a_tick_blocked_in_the_database_exits_within_seconds(
    ctx, database_url, tmp_path, command
):
    deploy_probe(ctx)
    fire_at = local(2026, 3, 3, 9, 0)  # after the test's clock, long past on the process's real clock
    ids = start_probes(ctx, fire_at, 3)
    log = tmp_path / f"{command}.log"
    args = ["scheduler", "--interval", "1"]
    if command == "serve":
        args = ["serve", "--port", str(free_port())]
    ready = "scheduler running" if command == "scheduler" else "Running on"
    lock = DatabaseLock(database_url)
    process = launch(database_url, args, log)
    try:
        assert wait_for(lambda: ready in log.read_text() or process.poll() is not None), log.read_text()
        assert process.poll() is None, log.read_text()
        if lock.waiters() is None:
            time.sleep(1.5)  # SQLite cannot show the waiter: its start tick is in BEGIN IMMEDIATE by now
        else:
            assert wait_for(lambda: lock.waiters() >= 1), "the start tick never reached the database"
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=EXIT_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`{command}` still running {EXIT_WITHIN} s after SIGTERM: {log.read_text()[-2000:]}")
        assert time.monotonic() - started < EXIT_WITHIN
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        lock.release()
    # the tick cut short committed nothing; the jobs stay due and fire once later
    assert fired_per_instance(ctx) == {} and completed(ctx, ids) == 0
    assert jobs.fire_due_jobs(ctx, now=fire_at + timedelta(minutes=1)) == 3
    assert fired_per_instance(ctx) == dict.fromkeys(ids, 1)


def test_stop_with_a_tick_in_flight_returns_within_its_timeout_and_the_tick_never_re_arms(
    ctx, clock, database_url, caplog
):
    """In-process: `stop` answers False within its timeout while the tick waits on the database (the old
    `shutdown(wait=True)` waited for ever); once the database lets go, the tick ends without re-arming and
    without raising, and APScheduler holds nothing any more."""
    caplog.set_level("WARNING")
    deploy_probe(ctx)
    ids = start_probes(ctx, clock.now() + timedelta(hours=1), 3)
    clock.advance(hours=2)  # all three due: the start tick goes straight to the database
    lock = DatabaseLock(database_url)
    runner = JobRunner(ctx, safety_interval=3600)
    answer: list[bool] = []
    try:
        runner.start()
        assert wait_for(lambda: runner.ticking, timeout=20), "the start tick never ran"
        if lock.waiters() is None:
            time.sleep(0.5)  # SQLite cannot show the waiter: the tick is in BEGIN IMMEDIATE by now
        else:
            assert wait_for(lambda: lock.waiters() >= 1), "the start tick never reached the database"
        started = time.monotonic()
        stopper = threading.Thread(target=lambda: answer.append(runner.stop(timeout=0.5)), daemon=True)
        stopper.start()
        stopper.join(EXIT_WITHIN)
        assert not stopper.is_alive(), "stop() hung with a tick in flight"
        assert answer == [False] and time.monotonic() - started < 3.0
    finally:
        lock.release()
    assert wait_for(lambda: not runner.ticking, timeout=30), "the tick never ended after the lock went"
    assert runner.held_jobs() == 0  # it did not re-arm, not even a queued wake-up
    assert not runner.running
    # the tick ended its batch at the stop: at most the job it was claiming fired; no error escaped
    assert sum(fired_per_instance(ctx).values()) <= 1
    assert [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")] == []
    assert jobs.fire_due_jobs(ctx) >= 2
    assert fired_per_instance(ctx) == dict.fromkeys(ids, 1)
