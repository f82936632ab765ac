"""HTTP: the server under gunicorn completing tasks of many instances at once via /engine-rest (issue 18).

The production factory `service:create_app()` serves with the project's gunicorn.conf.py: on SQLite one
worker with 4 threads, on PostgreSQL CONSORTIUM_WEB_WORKERS workers x 4 threads (2 and 4 here) with two
`consortium scheduler` processes running beside, as a deployment would. A load generator on loopback
(threads with keep-alive connections, HTTP Basic as a city clerk) drives W1 instances concurrently: each
client takes an instance, asks for its open task (GET /engine-rest/task?processInstanceId=) and completes
it (POST /engine-rest/task/{id}/complete), until all are done. The server has only the product's forms, so
these tasks carry `camunda:formData` and no formKey (nothing to validate). The client shares the 2 cores
with the server: the figures are a floor, not a ceiling.

In the same run, PostgreSQL with 2 workers is also measured on issue 18's starting commit (BASE_COMMIT,
checked out into a temporary git worktree with its own bench/ and its own `gunicorn -w 2 --threads 4`),
alternating with this tree's run, so the ratio compares like with like on whatever else the machine does.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from service.engine import identities, instances
from service.engine.deployments import deploy

from .diagrams import W1_KEY, w1_diagram
from .support import Report, Summary, context, database, kinds, percentile, worktree

INSTANCES = 100
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "1"))  # base/this alternations on PostgreSQL
BASE_COMMIT = "6ad790c"  # issue 18's starting commit
AUTH = "Basic " + base64.b64encode(b"city1:demo1234").decode()
VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
TARGET_P99_MS, TARGET_MAX_MS, TARGET_RATIO = 100.0, 300.0, 1.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, port: int, *, workers: int | None = None) -> subprocess.Popen:
    """gunicorn with this tree's gunicorn.conf.py (`workers` on PostgreSQL through CONSORTIUM_WEB_WORKERS)."""
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": url, "CONSORTIUM_SECRET_KEY": "bench"}
    env.pop("CONSORTIUM_DB_POOL_SIZE", None)
    if workers:
        env["CONSORTIUM_WEB_WORKERS"] = str(workers)
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "service:create_app()"],
        env=env, cwd=ROOT,
    )
    wait_health(server, port)
    return server


def wait_health(server: subprocess.Popen, port: int) -> None:
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /health")


@contextmanager
def schedulers(url: str, count: int):
    """`count` `consortium scheduler` processes on `url` while the block runs."""
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": url, "CONSORTIUM_SECRET_KEY": "bench"}
    procs = [subprocess.Popen([sys.executable, "-m", "scheduler.cli", "scheduler"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


class Client(threading.Thread):
    """Completes every task of the instances it takes from `work`, one request at a time."""

    def __init__(self, port: int, work: queue.Queue, results: dict) -> None:
        super().__init__(daemon=True)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.work, self.results = work, results

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": AUTH, "Content-Type": "application/json"}
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data, (time.perf_counter() - started) * 1000

    def run(self) -> None:
        body = {"variables": {"note": {"value": "已阅，同意", "type": "String"}}}
        while True:
            try:
                instance_id = self.work.get_nowait()
            except queue.Empty:
                return
            while True:
                status, data, ms = self.call("GET", f"/engine-rest/task?processInstanceId={instance_id}")
                self.results["list"].append(ms)
                open_tasks = json.loads(data) if status == 200 else []
                if status != 200:
                    self.results["errors"].append(("GET", status, data[:200]))
                if not open_tasks:
                    break
                path = f"/engine-rest/task/{open_tasks[0]['id']}/complete"
                status, data, ms = self.call("POST", path, body)
                if status == 204:
                    self.results["complete"].append(ms)
                    self.results["done"] += 1
                elif status == 409:
                    self.results["conflicts"] += 1
                else:
                    self.results["errors"].append(("POST", status, data[:200]))


def start_instances(url: str, count: int) -> queue.Queue:
    ctx, _clock = context(url)
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(form_key=None)}, actor=owner)
    work: queue.Queue = queue.Queue()
    for _ in range(count):
        work.put(instances.start_instance(ctx, key=W1_KEY, actor=city).id)
    ctx.db.dispose()
    return work


def new_results() -> dict:
    return {"complete": [], "list": [], "conflicts": 0, "errors": [], "done": 0}


def drive(port: int, work: queue.Queue, clients: int, results: dict | None = None) -> tuple[dict, float]:
    """`clients` clients until `work` is empty; (their figures, seconds). `results` (new_results()) may be
    read while they run."""
    results = new_results() if results is None else results
    threads = [Client(port, work, results) for _ in range(clients)]
    started = time.perf_counter()
    for client in threads:
        client.start()
    for client in threads:
        client.join()
    return results, time.perf_counter() - started


def load(url: str, report: Report, *, clients: int, workers: int | None = None, instances_: int = INSTANCES
         ) -> dict:
    """Serve `url`, drive `clients` clients through `instances_` W1 instances; report and return figures."""
    work = start_instances(url, instances_)
    port = free_port()
    server = serve(url, port, workers=workers)
    try:
        results, elapsed = drive(port, work, clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return summarise(report, results, elapsed, clients)


def summarise(report: Report, results: dict, elapsed: float, clients: int) -> dict:
    done = results["complete"]
    rate = len(done) / elapsed
    report(f"    completions {len(done)} in {elapsed:.1f} s = {rate:.1f} completions/s ({clients} clients,"
           f" each also listing the instance's open task first)")
    report(f"    POST complete ms  p50 {percentile(done, 50):.1f}  p95 {percentile(done, 95):.1f}"
           f"  p99 {percentile(done, 99):.1f}  max {max(done):.1f}")
    report(f"    GET task list ms  {Summary.of(results['list'])}")
    report(f"    conflicts (409, expected only when two clients race) {results['conflicts']};"
           f" other errors {len(results['errors'])}")
    for error in results["errors"][:5]:
        report(f"      {error}")
    return {"rate": rate, "p99": percentile(done, 99), "max": max(done), "errors": len(results["errors"])}


# --- issue 18's starting commit, in a temporary worktree ----------------------------------------------

BASE_DRIVER = """
import os, subprocess, sys
import bench.http
from bench.http import load
from bench.support import Report, database
bench.http.CLIENTS = int(sys.argv[2])
report = Report("http-base")
with database(sys.argv[1]) as url:
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": url, "CONSORTIUM_SECRET_KEY": "bench"}
    count = 2 if sys.argv[1] == "postgresql" else 0
    procs = [subprocess.Popen([sys.executable, "-m", "scheduler.cli", "scheduler"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
    try:
        load(url, report)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
"""


def base_tree():
    """A detached git worktree of BASE_COMMIT, removed afterwards (None when git cannot make one)."""
    return worktree(BASE_COMMIT)


def load_base(tree: Path, report: Report, kind: str, clients: int = 8) -> dict:
    """The starting commit's own HTTP load on `kind` (its gunicorn -w 2 --threads 4, its 100 instances),
    with two schedulers of that commit running on PostgreSQL; its lines are reported indented."""
    pythonpath = os.pathsep.join([str(tree), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                                               if p and Path(p).resolve() != ROOT]])
    env = {**os.environ, "PYTHONPATH": pythonpath}
    env.pop("CONSORTIUM_DB_POOL_SIZE", None)
    done = subprocess.run([sys.executable, "-c", BASE_DRIVER, kind, str(clients)], cwd=tree, env=env,
                          capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("  ")]
    for line in lines:
        report("  " + line)
    if done.returncode != 0:
        report(f"    base run failed: {done.stderr.strip().splitlines()[-1:]}")
        return {"rate": float("nan"), "errors": 1}
    rate = next(float(line.split("= ")[1].split()[0]) for line in lines if "completions/s" in line)
    errors = next(int(line.rsplit(" ", 1)[1]) for line in lines if "other errors" in line)
    p99 = next(float(line.split("p99 ")[1].split()[0]) for line in lines if "POST complete" in line)
    return {"rate": rate, "errors": errors, "p99": p99}


# --- the run ------------------------------------------------------------------------------------------


def run_sqlite(report: Report, tree: Path | None) -> list[dict]:
    figures = []
    for clients in (8, 32):
        if tree is not None:
            report(f"  --- sqlite, issue 18's starting commit {BASE_COMMIT} (gunicorn -w 2 --threads 4),"
                   f" {clients} clients")
            figures.append({"base": True, **load_base(tree, report, "sqlite", clients)})
        report(f"  --- sqlite, this tree, gunicorn.conf.py (1 worker x 4 threads), {clients} clients")
        with database("sqlite") as url:
            figures.append({"clients": clients,
                            **load(url, report, clients=clients)})
    return figures


def run_postgres(report: Report, tree: Path | None) -> tuple[list[float], list[float], list[dict]]:
    base_rates, rates, runs = [], [], []
    for round_ in range(1, ROUNDS + 1):
        if tree is not None:
            report(f"  --- postgresql, round {round_}: issue 18's starting commit {BASE_COMMIT}"
                   f" (gunicorn -w 2 --threads 4), 2 schedulers, 8 clients")
            base = load_base(tree, report, "postgresql")
            base_rates.append(base["rate"])
            runs.append(base)
        for workers in (2, 4) if round_ == 1 else (2,):
            report(f"  --- postgresql, round {round_}: this tree, gunicorn.conf.py ({workers} workers x 4"
                   f" threads), 2 schedulers, 8 clients")
            with database("postgresql") as url, schedulers(url, 2):
                figures = load(url, report, clients=8, workers=workers)
            runs.append(figures)
            if workers == 2:
                rates.append(figures["rate"])
    return base_rates, rates, runs


def main() -> Report:
    report = Report("http")
    report("HTTP: gunicorn 'service:create_app()' with gunicorn.conf.py, clients on loopback, W1 instances"
           " x 20 tasks. Shared 2-core machine: other work ran beside, figures are noisy.")
    with base_tree() as tree:
        sqlite = run_sqlite(report, tree)
        errors = sum(f["errors"] for f in sqlite)
        at8 = next(f for f in sqlite if f.get("clients") == 8)
        report(f"  SQLite at 8 clients: p99 {at8['p99']:.1f} ms (target <= {TARGET_P99_MS:.0f}:"
               f" {'met' if at8['p99'] <= TARGET_P99_MS else 'NOT met'}), max {at8['max']:.1f} ms (target <="
               f" {TARGET_MAX_MS:.0f}: {'met' if at8['max'] <= TARGET_MAX_MS else 'NOT met'})")
        if "postgresql" in kinds():
            base_rates, rates, runs = run_postgres(report, tree)
            errors += sum(r["errors"] for r in runs)
            if base_rates and rates:
                ratio = statistics.median(rates) / statistics.median(base_rates)
                ours = ", ".join(f"{r:.1f}" for r in rates)
                theirs = ", ".join(f"{r:.1f}" for r in base_rates)
                verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
                report(f"  PostgreSQL 2 workers: {statistics.median(rates):.1f} completions/s (rounds {ours})"
                       f" vs {BASE_COMMIT} {statistics.median(base_rates):.1f} (rounds {theirs})"
                       f" = {ratio:.2f}x (target >= {TARGET_RATIO}: {verdict})")
    report(f"  errors (neither 204 nor 409) in all runs: {errors}")
    return report


if __name__ == "__main__":
    main().save()
