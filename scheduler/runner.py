"""The clock that fires due jobs: APScheduler wakes, the job table says what is due.

APScheduler (3.x `BackgroundScheduler`) holds at most two in-memory jobs, whatever the number of pending
deadlines: a date-trigger wake-up armed at the earliest due job, and a safety interval. The `job` table is
the truth, so any number of processes may run a scheduler and a restart loses nothing (DESIGN.md "Timers
and deadlines"): on start the wake-up runs at once and fires, once, everything that came due while nothing
ran. A commit in this process that changes jobs arms the wake-up at once (or, while a tick is in flight,
asks that tick to look again when it ends). One tick at a time per process: our own `_ticking` lock.

Stopping is bounded whatever is in flight. APScheduler 3.x locks, from its source (schedulers/base.py,
background.py, executors/base.py, pool.py): `add_job` (hence every re-arm) takes `_jobstores_lock`;
`shutdown` sets the state to stopped, then holds `_executors_lock` and `_jobstores_lock` while it shuts
the thread-pool executor down (`shutdown(wait=True)` joins the worker running our tick), then joins its
own wake-up thread. The old runner called `shutdown(wait=True)` while a tick, re-arming, waited in
`add_job` for `_jobstores_lock`: each waited on the other for ever. So `stop` sets our stopping flag,
unhooks the commit callback, calls `shutdown(wait=False)` (the locks are then held for a moment only), and
waits for the tick in flight on our own lock for at most `timeout` seconds, answering False if it still
runs. A tick never re-arms once stopping; a re-arm racing with `shutdown` finds the scheduler stopped
(`add_job` then only queues the job in memory, `SchedulerNotRunningError` is caught) and never blocks.
A tick still in flight at exit runs on a non-daemon pool thread that Python would join at exit, so the
CLI leaves with `os._exit` when `stop` answers False; the database rolls the tick's transaction back and
its job stays due.

Due times are in the context's clock (a test may move it); APScheduler counts real seconds, so the wake-up
is armed at "real now + (due - clock now)".
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler

from service.actors import SYSTEM
from service.consortium.supervision.ban_reach import open_cases_for_restricted_leads
from service.context import Context
from service.engine import jobs
from service.engine.audit_trail import CHECKPOINT_SECONDS, checkpoint_trail

log = logging.getLogger(__name__)
TICK_ID = "consortium-tick"
SAFETY_ID = "consortium-safety"
BUSY_RETRY = 0.25  # seconds before looking again at a due job a command holds
STOP_TIMEOUT = 3.0  # seconds `stop` waits for a tick in flight before giving up on it
SWEEP_SECONDS = 60.0  # how often restricted lead units are looked for (ban_reach.py)


class JobRunner:
    """Fires due jobs of `ctx` from an APScheduler `BackgroundScheduler`; `start` once, `stop` once
    (bounded, never hangs)."""

    def __init__(self, ctx: Context, *, safety_interval: float = 30.0, batch: int = 100) -> None:
        self.ctx = ctx
        self.safety_interval = safety_interval
        self.batch = batch
        # max_instances > 1: a wake-up due while a tick still runs is not dropped by APScheduler (with a
        # warning) but reaches `tick`, which asks the running tick to look again.
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "misfire_grace_time": None, "max_instances": 3})
        self._ticking = threading.Lock()  # held by the tick in flight (firing and re-arming)
        self._again = False  # a commit or a wake-up came while a tick was in flight: look again after it
        self._stopping = threading.Event()
        self._checkpointed = float("-inf")  # time.monotonic() of the last audit checkpoint
        self._swept = float("-inf")  # time.monotonic() of the last sweep for restricted leads

    def start(self) -> None:
        """Start APScheduler with the safety interval, and fire at once what came due while nothing ran."""
        self.scheduler.add_job(self.tick, "interval", seconds=self.safety_interval, id=SAFETY_ID)
        self.scheduler.start()
        self.ctx.on_jobs_changed.append(self._on_jobs_changed)
        self._arm(0.0)

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop: True when no tick runs any more within `timeout` seconds, False when one is still in flight
        (say blocked on a database lock; the caller should leave the process, see the module docstring)."""
        self._stopping.set()
        if self._on_jobs_changed in self.ctx.on_jobs_changed:
            self.ctx.on_jobs_changed.remove(self._on_jobs_changed)
        try:
            self.scheduler.shutdown(wait=False)  # never wait=True: see the module docstring
        except SchedulerNotRunningError:
            pass
        if self._ticking.acquire(timeout=timeout):  # kept: no tick starts after a stop
            return True
        log.warning("a tick is still in flight after %.1f s; leaving it to die with the process", timeout)
        return False

    @property
    def running(self) -> bool:
        return self.scheduler.running and not self._stopping.is_set()

    @property
    def ticking(self) -> bool:
        """True while a tick is in flight (firing jobs or re-arming)."""
        return self._ticking.locked()

    def _on_jobs_changed(self, _due=None) -> None:
        """After a commit that changed jobs (any thread): wake at once; cheap, never blocks for long."""
        if self._stopping.is_set():
            return
        self._again = True  # set before looking at the lock: a tick ending now re-arms (see `tick`)
        if not self._ticking.locked():
            self._arm(0.0)

    def tick(self) -> int:
        """Fire what is due now (at most `batch` jobs, fewer when stopping), then re-arm at the next due
        job; returns how many fired. One tick at a time per process: a tick that finds another in flight
        asks it to look again and returns 0."""
        if not self._ticking.acquire(blocking=False):
            self._again = True
            return 0
        try:
            self._again = False
            if self._stopping.is_set():
                return 0
            try:
                fired = jobs.fire_due_jobs(self.ctx, limit=self.batch, stop=self._stopping.is_set)
            except Exception:  # a broken database must not kill the clock; the safety interval tries again
                log.exception("firing due jobs failed")
                fired = 0
            if fired:
                log.info("fired %d due job(s)", fired)
            self._checkpoint_audit()
            self._sweep_restricted_leads()
            if not self._stopping.is_set():
                self._arm(self._delay(fired))
        finally:
            self._ticking.release()
        if self._again and not self._stopping.is_set():  # came while we held the lock
            self._arm(0.0)
        return fired

    def _checkpoint_audit(self) -> int:
        """Sign the grown audit streams' heads, at most every CHECKPOINT_SECONDS (engine/audit_trail);
        a failure (say a missing key file) is logged: verification then reports the unanchored events."""
        if self._stopping.is_set() or time.monotonic() - self._checkpointed < CHECKPOINT_SECONDS:
            return 0
        self._checkpointed = time.monotonic()
        try:
            return checkpoint_trail(self.ctx)
        except Exception:
            log.exception("signing audit checkpoints failed")
            return 0

    def _sweep_restricted_leads(self) -> int:
        """At most once a minute: a lead unit restricted by the credit record loses the lead of the
        consortia it leads (a lead-unit case each, `ban_reach.py`, issue 14 item 8)."""
        if self._stopping.is_set() or time.monotonic() - self._swept < SWEEP_SECONDS:
            return 0
        self._swept = time.monotonic()
        try:
            return len(open_cases_for_restricted_leads(self.ctx, actor=SYSTEM))
        except Exception:  # like a failing job: logged, tried again next time
            log.exception("opening cases for restricted lead units failed")
            return 0

    def _delay(self, fired: int) -> float | None:
        """Real seconds until the earliest due job (None: nothing due, the safety interval suffices); a job
        still due after a tick that fired nothing is held by a command in progress: look again shortly,
        do not spin."""
        try:
            due = jobs.next_due(self.ctx)
        except Exception:
            log.exception("reading the next due job failed; the safety interval will retry")
            return None
        if due is None:
            return None
        wait = max((due - self.ctx.now()).total_seconds(), 0.0)
        if wait == 0.0 and not fired:
            wait = BUSY_RETRY
        return wait

    def _arm(self, delay: float | None) -> None:
        """(Re)place the one date-trigger wake-up `delay` real seconds from now (None: leave it)."""
        if delay is None or self._stopping.is_set():
            return
        run_at = datetime.now(UTC) + timedelta(seconds=delay, milliseconds=5)
        try:
            self.scheduler.add_job(self.tick, "date", run_date=run_at, id=TICK_ID, replace_existing=True)
        except SchedulerNotRunningError:  # racing with `stop`: nothing to arm any more
            pass

    def armed_in(self) -> float:
        """Real seconds until the armed wake-up (0 when none is armed)."""
        try:
            job = self.scheduler.get_job(TICK_ID)
        except SchedulerNotRunningError:
            return 0.0
        if job is None or getattr(job, "next_run_time", None) is None:
            return 0.0
        return max((job.next_run_time - datetime.now(UTC)).total_seconds(), 0.0)

    def held_jobs(self) -> int:
        """How many jobs APScheduler holds in memory: at most two, the wake-up and the safety interval
        (the benchmark reports it)."""
        return len(self.scheduler.get_jobs())
