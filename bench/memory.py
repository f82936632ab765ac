"""Memory: resident set size of each gunicorn worker while 10,000 completions go through it (issue 18).

The HTTP bench's server and load (bench/http.py: gunicorn.conf.py, W1 instances, 8 clients on loopback):
500 instances x 20 tasks. Each worker's RSS (/proc/PID/status VmRSS) is read after 1,000 completions
(warm: specs, statements and pools loaded) and at every further 1,500 or so to 10,000. A cache without
bounds shows as growth that goes on after the warm-up; bounded caches (the spec cache, JUEL and sandbox
LRU caches, the per-definition element maps) level off.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from .http import drive, free_port, new_results, serve, start_instances
from .support import Report, database, kinds

COMPLETIONS = int(os.environ.get("BENCH_MEMORY_COMPLETIONS", "10000"))  # fewer only for a quick look
INSTANCES = COMPLETIONS // 20
CLIENTS = 8
CHECKPOINTS = tuple(sorted({min(1_000, COMPLETIONS // 4), *range(2_500, COMPLETIONS, 1_500), COMPLETIONS}))
KINDS = os.environ.get("BENCH_MEMORY_KINDS", "sqlite,postgresql").split(",")


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return sorted(int(pid) for pid in children.read_text().split()) if children.exists() else []


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(url: str, report: Report, *, workers: int | None) -> None:
    work = start_instances(url, INSTANCES)
    port = free_port()
    server = serve(url, port, workers=workers)
    samples: list[tuple[int, dict[int, float]]] = []
    try:
        pids = worker_pids(server.pid)
        samples.append((0, {pid: rss_mib(pid) for pid in pids}))
        results = new_results()
        driver = threading.Thread(target=drive, args=(port, work, CLIENTS, results))
        driver.start()
        pending = list(CHECKPOINTS)
        while driver.is_alive() or pending:
            if pending and results["done"] >= pending[0]:
                samples.append((pending.pop(0), {pid: rss_mib(pid) for pid in pids}))
            elif not driver.is_alive():
                samples.append((results["done"], {pid: rss_mib(pid) for pid in pids}))
                break
            time.sleep(0.05)
        driver.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(f"    worker RSS MiB after N completions ({len(pids)} worker(s); errors"
           f" {len(results['errors'])})")
    header = "".join(f"worker {i + 1}".rjust(11) for i in range(len(pids)))
    report("    " + "completions".rjust(11) + header)
    for done, rss in samples:
        report(f"    {done:11d}" + "".join(f"{rss[pid]:11.1f}" for pid in pids))
    warm = next((rss for done, rss in samples if done >= CHECKPOINTS[0]), samples[0][1])
    last = samples[-1][1]
    growth = ", ".join(f"{last[pid] - warm[pid]:+.1f}" for pid in pids)
    report(f"    growth from {CHECKPOINTS[0]:,} to {samples[-1][0]:,} completions, MiB per worker: {growth}")


def main() -> Report:
    report = Report("memory")
    report(f"Memory: gunicorn.conf.py, {CLIENTS} clients, {COMPLETIONS:,} W1 completions"
           f" ({INSTANCES} instances x 20 tasks). Shared machine: timings noisy, RSS is not.")
    for kind in [k for k in kinds() if k in KINDS]:
        workers = None if kind == "sqlite" else 2
        report(f"  --- {kind} ({'1 worker x 4 threads' if workers is None else '2 workers x 4 threads'})")
        with database(kind) as url:
            measure(url, report, workers=workers)
    return report


if __name__ == "__main__":
    main().save()
