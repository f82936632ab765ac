"""The SQLite writers' in-process lock grants itself in arrival order (issue 18: no writer waits out
many others' turns); counted in events, never timed."""

from __future__ import annotations

import threading

import pytest

from service.engine.store.fair_lock import FairLock


def _wait_until_queued(lock: FairLock, count: int) -> None:
    for _ in range(10_000):
        if len(lock._waiters) >= count:
            return
        threading.Event().wait(0.001)
    raise AssertionError("the waiters never queued")


def test_waiters_get_the_lock_in_the_order_they_came_even_against_a_greedy_releaser():
    lock = FairLock()
    lock.acquire()
    order: list[int] = []

    def writer(n: int) -> None:
        with lock:
            order.append(n)

    threads = []
    for n in range(6):
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        threads.append(thread)
        _wait_until_queued(lock, n + 1)
    lock.release()
    assert lock.acquire(timeout=5)  # asks again at once: queued behind all six, not ahead of them
    order.append("main")
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4, 5, "main"]
    assert not lock.locked()


def test_a_waiter_that_times_out_leaves_the_queue_and_the_lock_passes_on():
    lock = FairLock()
    lock.acquire()
    assert lock.acquire(timeout=0.01) is False
    assert not lock._waiters
    assert lock.acquire(blocking=False) is False
    lock.release()
    assert lock.acquire(blocking=False) is True
    lock.release()
    with pytest.raises(RuntimeError):
        lock.release()
