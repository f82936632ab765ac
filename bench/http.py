"""HTTP: the server under gunicorn (2 workers) completing tasks of many instances at once via /engine-rest.

The production factory `service:create_app()` serves; a load generator on loopback (threads with keep-alive
connections, HTTP Basic as a city clerk) drives `INSTANCES` W1 instances concurrently: each client takes an
instance, asks for its open task (GET /engine-rest/task?processInstanceId=) and completes it (POST
/engine-rest/task/{id}/complete), until all are done. The server has only the product's forms, so these
tasks carry `camunda:formData` and no formKey (nothing to validate). The client shares the 2 cores with
the server: the figures are a floor, not a ceiling.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from service.engine import identities, instances
from service.engine.deployments import deploy

from .diagrams import W1_KEY, w1_diagram
from .support import Report, Summary, context, database, kinds, percentile

INSTANCES = 100
CLIENTS = 8
WORKERS = 2
THREADS = 4
AUTH = "Basic " + base64.b64encode(b"city1:demo1234").decode()
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": url, "CONSORTIUM_SECRET_KEY": "bench"}
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(WORKERS), "--threads", str(THREADS), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "service:create_app()"],
        env=env,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /health")


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
                elif status == 409:
                    self.results["conflicts"] += 1
                else:
                    self.results["errors"].append(("POST", status, data[:200]))


def load(url: str, report: Report) -> None:
    ctx, _clock = context(url)
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(form_key=None)}, actor=owner)
    work: queue.Queue = queue.Queue()
    for _ in range(INSTANCES):
        work.put(instances.start_instance(ctx, key=W1_KEY, actor=city).id)
    ctx.db.dispose()
    port = free_port()
    server = serve(url, port)
    try:
        results: dict = {"complete": [], "list": [], "conflicts": 0, "errors": []}
        clients = [Client(port, work, results) for _ in range(CLIENTS)]
        started = time.perf_counter()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    done = results["complete"]
    report(f"  completions {len(done)} in {elapsed:.1f} s = {len(done) / elapsed:.1f} completions/s"
           f" ({CLIENTS} clients, each also listing the instance's open task first)")
    report(f"  POST complete ms  p50 {percentile(done, 50):.1f}  p95 {percentile(done, 95):.1f}"
           f"  p99 {percentile(done, 99):.1f}  max {max(done):.1f}")
    report(f"  GET task list ms  {Summary.of(results['list'])}")
    report(f"  conflicts (409, expected only when two clients race) {results['conflicts']};"
           f" other errors {len(results['errors'])}")
    for error in results["errors"][:5]:
        report(f"    {error}")


def main() -> Report:
    report = Report("http")
    report(f"HTTP: gunicorn -w {WORKERS} --threads {THREADS} 'service:create_app()', {CLIENTS} clients on"
           f" loopback, {INSTANCES} W1 instances x 20 tasks")
    for kind in kinds():
        report(f"  --- {kind}")
        with database(kind) as url:
            load(url, report)
    return report


if __name__ == "__main__":
    main().save()
