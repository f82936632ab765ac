"""The clock that fires due jobs: APScheduler wakes, the job table says what is due.

APScheduler holds exactly two in-memory jobs, whatever the number of pending deadlines: a date-trigger
tick armed at the earliest due job, and a safety interval. The `job` table is the truth, so any number of
processes may run a scheduler and a restart loses nothing (DESIGN.md "Timers and deadlines"): on start
the tick runs at once and fires, once, everything that came due while nothing ran.

Due times are in the context's clock (a test may move it); APScheduler counts real seconds, so the wake
up is armed at "real now + (due - clock now)".
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from service.context import Context
from service.usecases import jobs
from service.usecases.audit_trail import CHECKPOINT_SECONDS, checkpoint_trail

log = logging.getLogger(__name__)
TICK_ID = "consortium-tick"
SAFETY_ID = "consortium-safety"


class JobRunner:
    def __init__(self, ctx: Context, *, safety_interval: float = 30.0, batch: int = 100) -> None:
        self.ctx = ctx
        self.safety_interval = safety_interval
        self.batch = batch
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"coalesce": True,
                                                                         "misfire_grace_time": None})
        self._running = threading.Lock()
        self._again = False
        self._wake = lambda _due=None: self.arm()
        self._checkpointed = float("-inf")  # time.monotonic() of the last audit checkpoint

    def start(self) -> None:
        self.scheduler.add_job(self.tick, "interval", seconds=self.safety_interval, id=SAFETY_ID)
        self.scheduler.start()
        self.ctx.on_jobs_changed.append(self._wake)
        self.arm(self.ctx.now())  # jobs that came due while nothing ran fire once at start

    def stop(self) -> None:
        if self._wake in self.ctx.on_jobs_changed:
            self.ctx.on_jobs_changed.remove(self._wake)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

    def tick(self) -> None:
        """Fire what is due, then re-arm at the next due job; one tick at a time per process."""
        if not self._running.acquire(blocking=False):
            self._again = True  # the running tick re-arms; make sure it looks again
            return
        try:
            self._again = False
            fired = jobs.fire_due_jobs(self.ctx, limit=self.batch)
            if fired:
                log.info("fired %d due job(s)", fired)
        except Exception:  # a broken database must not kill the clock; the next tick tries again
            log.exception("firing due jobs failed")
        finally:
            self._running.release()
        try:
            self.checkpoint_audit()
        except Exception:  # nor a missing key file: verification reports unanchored events
            log.exception("signing audit checkpoints failed")
        self.arm()

    def checkpoint_audit(self) -> int:
        """Sign the grown audit streams' heads, at most every CHECKPOINT_SECONDS (usecases/audit_trail)."""
        if time.monotonic() - self._checkpointed < CHECKPOINT_SECONDS:
            return 0
        self._checkpointed = time.monotonic()
        return checkpoint_trail(self.ctx)

    def arm(self, at: datetime | None = None) -> None:
        """Wake at the earliest due job (re-armed after every tick and every commit that changes jobs)."""
        if not self.scheduler.running:
            return
        try:
            due = at or jobs.next_due(self.ctx)
        except Exception:
            log.exception("reading the next due job failed; the safety interval will retry")
            return
        if due is None and not self._again:
            return
        delay = max((due - self.ctx.now()).total_seconds(), 0.0) if due else 0.0
        run_at = datetime.now(UTC) + timedelta(seconds=delay, milliseconds=5)
        self.scheduler.add_job(self.tick, "date", run_date=run_at, id=TICK_ID, replace_existing=True)

    def held_jobs(self) -> int:
        """How many jobs APScheduler itself holds in memory (the benchmark reports it)."""
        return len(self.scheduler.get_jobs())
