"""A lock that hands itself to its waiters in the order they came (first in, first out).

`threading.Lock` wakes an arbitrary waiter, and a thread that releases it and asks again at once often
takes it back before the woken one runs: under load some writers wait for many others' turns (issue 18,
the tail of a click). With this lock a writer waits for at most the writers queued before it.
"""

from __future__ import annotations

import threading
from collections import deque


class FairLock:
    """`acquire(timeout=...)` / `release()` like `threading.Lock`, granted in arrival order."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Take the lock; wait (up to `timeout` seconds, forever when -1) behind every earlier waiter.
        Returns False when it was not granted in time (or at once, with `blocking=False`)."""
        with self._guard:
            if not self._held and not self._waiters:
                self._held = True
                return True
            if not blocking:
                return False
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=timeout):  # released by `release` when this waiter's turn comes
            return True
        with self._guard:
            if turn in self._waiters:  # gave up before its turn: leave the queue
                self._waiters.remove(turn)
                return False
        turn.acquire()  # granted between the timeout and the guard: it is ours after all
        return True

    def release(self) -> None:
        """Hand the lock to the longest waiter, or free it. Raises RuntimeError when not held."""
        with self._guard:
            if not self._held:
                raise RuntimeError("release of an unheld FairLock")
            if self._waiters:
                self._waiters.popleft().release()  # still held: ownership passes to that waiter
            else:
                self._held = False

    def locked(self) -> bool:
        return self._held

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *_exc) -> None:
        self.release()
