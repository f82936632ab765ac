"""The clock that fires due jobs: APScheduler wakes, the job table says what is due.

APScheduler holds exactly one in-memory job (the tick); the `job` table is the truth, so any number of
processes may run a scheduler and a restart loses nothing (DESIGN.md "Timers and deadlines").
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from service.context import Context
from service.usecases import jobs

log = logging.getLogger(__name__)
TICK_ID = "consortium-tick"


class JobRunner:
    def __init__(self, ctx: Context, *, safety_interval: float = 30.0) -> None:
        self.ctx = ctx
        self.safety_interval = safety_interval
        self.scheduler = BackgroundScheduler(timezone=UTC)

    def start(self) -> None:
        self.scheduler.add_job(self.tick, "interval", seconds=self.safety_interval, id="consortium-safety")
        self.scheduler.start()
        self.ctx.on_jobs_changed.append(lambda _due=None: self.arm())
        self.arm(datetime.now(UTC))  # jobs that came due while nothing ran fire once at start

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)

    def tick(self) -> None:
        try:
            fired = jobs.fire_due_jobs(self.ctx)
            if fired:
                log.info("fired %d due job(s)", fired)
        except Exception:  # a failing job must not kill the clock; it is retried on the next tick
            log.exception("firing due jobs failed")
        self.arm()

    def arm(self, at: datetime | None = None) -> None:
        """Wake at the earliest due job (re-armed after every tick and every commit that changes jobs)."""
        due = at or jobs.next_due(self.ctx)
        if due is None:
            return
        run_at = max(due, datetime.now(UTC)) + timedelta(milliseconds=5)
        self.scheduler.add_job(self.tick, "date", run_date=run_at, id=TICK_ID, replace_existing=True)
