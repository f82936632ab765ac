"""The clock that fires due jobs: one thread wakes, the job table says what is due.

The runner holds no deadlines in memory, whatever their number: one daemon thread fires what is due, then
sleeps on a `threading.Event` until the earliest due job or the safety interval, whichever is sooner. A
commit that adds or moves a job sets the event, so the thread looks again at once. The `job` table is the
truth, so any number of processes may run a scheduler and a restart loses nothing (DESIGN.md "Timers and
deadlines"): on start the thread fires, once, everything that came due while nothing ran.

Stopping never waits on the firing thread for more than `stop(timeout=...)`: nothing else ever calls into
the thread (the previous APScheduler design re-armed from the job thread with `add_job` while `shutdown(
wait=True)` held the lock that call needs, and a SIGTERM during a tick hung for ever). A tick still in
flight at exit dies with the process; the database rolls its transaction back, and the job stays due.

Due times are in the context's clock (a test may move it); the thread sleeps real seconds, so it wakes at
"real now + (due - clock now)".
"""

from __future__ import annotations

import logging
import threading
import time

from service.context import Context
from service.usecases import jobs
from service.usecases.audit_trail import CHECKPOINT_SECONDS, checkpoint_trail

log = logging.getLogger(__name__)
BUSY_RETRY = 0.25  # seconds before looking again at a due job a command holds
STOP_TIMEOUT = 3.0  # seconds `stop` waits for a tick in flight before giving up on it


class JobRunner:
    """Fires due jobs of `ctx` on a daemon thread; `start` once, `stop` once (bounded, never hangs)."""

    def __init__(self, ctx: Context, *, safety_interval: float = 30.0, batch: int = 100) -> None:
        self.ctx = ctx
        self.safety_interval = safety_interval
        self.batch = batch
        self._wake = threading.Event()  # set by commits that change jobs, and by stop
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake_at: float | None = None  # time.monotonic() of the next planned wake-up
        self._checkpointed = float("-inf")  # time.monotonic() of the last audit checkpoint

    def start(self) -> None:
        self.ctx.on_jobs_changed.append(self._on_jobs_changed)
        self._thread = threading.Thread(target=self._loop, name="consortium-scheduler", daemon=True)
        self._thread.start()  # its first tick fires what came due while nothing ran

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop the thread: True when it ended within `timeout` seconds, False when a tick is still in
        flight (it is a daemon thread: it dies with the process and its transaction is rolled back)."""
        if self._on_jobs_changed in self.ctx.on_jobs_changed:
            self.ctx.on_jobs_changed.remove(self._on_jobs_changed)
        self._stopping.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("a tick is still in flight after %.1f s; leaving it to die with the process", timeout)
            return False
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stopping.is_set()

    def _on_jobs_changed(self, _due=None) -> None:
        self._wake.set()  # only sets a flag: safe from any thread, never blocks

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # a commit during the tick sets it again: the wait below then returns at once
            fired = self.tick()
            if self._stopping.is_set():
                return
            delay = self._delay(fired)
            self._wake_at = time.monotonic() + delay
            self._wake.wait(delay)
            self._wake_at = None

    def tick(self) -> int:
        """Fire what is due now (at most `batch` jobs, fewer when stopping); returns how many fired."""
        try:
            fired = jobs.fire_due_jobs(self.ctx, limit=self.batch, stop=self._stopping.is_set)
        except Exception:  # a broken database must not kill the clock; the next wake-up tries again
            log.exception("firing due jobs failed")
            return 0
        if fired:
            log.info("fired %d due job(s)", fired)
        try:
            self.checkpoint_audit()
        except Exception:  # nor a missing key file: verification reports unanchored events
            log.exception("signing audit checkpoints failed")
        return fired

    def checkpoint_audit(self) -> int:
        """Sign the grown audit streams' heads, at most every CHECKPOINT_SECONDS (usecases/audit_trail)."""
        if time.monotonic() - self._checkpointed < CHECKPOINT_SECONDS:
            return 0
        self._checkpointed = time.monotonic()
        return checkpoint_trail(self.ctx)

    def _delay(self, fired: int) -> float:
        """Real seconds until the earliest due job, at most the safety interval; a job still due after a
        tick that fired nothing is held by a command in progress: look again shortly, do not spin."""
        try:
            due = jobs.next_due(self.ctx)
        except Exception:
            log.exception("reading the next due job failed; the safety interval will retry")
            return self.safety_interval
        if due is None:
            return self.safety_interval
        wait = max((due - self.ctx.now()).total_seconds(), 0.0)
        if wait == 0.0 and not fired:
            wait = BUSY_RETRY
        return min(wait + 0.005, self.safety_interval)

    def armed_in(self) -> float:
        """Real seconds until the planned wake-up (0 when the thread is not sleeping)."""
        wake_at = self._wake_at
        return max(wake_at - time.monotonic(), 0.0) if wake_at is not None else 0.0

    def held_jobs(self) -> int:
        """Deadlines the runner holds in memory: at most its one wake-up (the benchmark reports it)."""
        return 1 if self._wake_at is not None else 0
