"""A serving process's start-up heap, kept out of the garbage collector's full passes (issue 18).

After start-up a worker holds some 160,000 tracked objects that live as long as it does: modules, the
mapped classes, compiled diagrams and forms, caches. CPython's cyclic collector walks every one of them
in each full (oldest-generation) pass, some 90 ms on the reference 2-core machine, during which no
other thread of the process runs: every request in flight waits, which was most of the SQLite tail
(p99, max) under 8 concurrent clients. `gc.freeze()` moves the objects alive now to a permanent
generation the collector skips (Python docs, "gc.freeze"; the approach gunicorn and Instagram describe
for forked servers); what is allocated later is collected as before, so garbage made by requests is
still reclaimed.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect once, then freeze every object still alive; returns how many were frozen.

    Call it when the process has built what it keeps (the app, the context, the scheduler) and before it
    serves: a gunicorn worker from `post_worker_init` (gunicorn.conf.py), `consortium serve`/`demo` and
    `consortium scheduler` after their start-up."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
