"""Hostile diagram code against the running server: `python -m bench.sandbox_attack`.

Serves the real app (werkzeug, threaded, as the HTTP tests do) on a throwaway SQLite database,
deploys one diagram per attack whose script task is hostile, and starts an instance over the
Camunda REST API in one thread while another polls `/health` every 10 ms. Prints, per attack: the
time until the start request answered with its error, the HTTP status and error text, the slowest
`/health` answer while the attack ran, and the growth of the server's RSS (sampled every 2 ms).
The attacks are issue 11's list plus the sandbox tests' own (`tests/workflows/test_sandbox_limits.py`).
Timings from a busy machine mislead: run it on a quiet one.
"""

from __future__ import annotations

import logging
import threading
import time
from xml.sax.saxutils import escape

import requests
from werkzeug.serving import make_server

from service import create_app
from service.bootstrap import build_context
from service.config import Config

from .support import database

ATTACKS = {
    "join 1 GB": "x = len('x'.join(['a' * 1000000] * 1000))",
    "%0...d": "x = '%01000000000d' % 1",
    "to_bytes": "x = (1).to_bytes(1000000000, 'big')",
    "f-string width": "x = f\"{'a':>1000000000}\"",
    "s = s + s": "s = 'a' * 1000000\nfor i in range(30):\n    s = s + s",
    "9**1000 squared": "x = 9 ** 1000\nfor i in range(24):\n    x = x * x",
    "nested comprehension": "x = [[j for j in range(100000)] for i in range(100000)]",
    "[[0]*1e5 for 1e5]": "x = [[0] * 100000 for i in range(100000)]",
    "[[0]*1e5]*1e5 stored": "x = [[0] * 100000] * 100000",
    "tuple doubling hash": "t = (1,)\nfor i in range(60):\n    t = (t, t)\nd = {t: 1}",
    "append loop": "a = []\nfor i in range(100000):\n    for j in range(100000):\n"
                   "        a.append('x' * 1000)",
    "busy loop": "x = 0\nfor i in range(100000):\n    for j in range(100000):\n        x += 1",
    "sorted 100k": "x = len(sorted([str(i) for i in range(100000)]))",
}

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_{key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="attack" isExecutable="true" camunda:candidateStarterGroups="city_clerk">
    <bpmn:startEvent id="Start_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Script_Hostile" />
    <bpmn:scriptTask id="Script_Hostile" name="hostile" scriptFormat="python">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Script_Hostile" targetRef="Task_1" />
    <bpmn:userTask id="Task_1" name="wait" camunda:candidateGroups="city_clerk" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_1" targetRef="End_1" />
    <bpmn:endEvent id="End_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def deploy(base: str, key: str, script: str) -> None:
    content = TEMPLATE.format(key=key, script=escape(script)).encode()
    response = requests.post(
        f"{base}/engine-rest/deployment/create", auth=("owner", "demo1234"), timeout=60,
        data={"deployment-name": key, "deploy-changed-only": "true"},
        files=[(f"{key}.bpmn", (f"{key}.bpmn", content, "application/octet-stream"))],
    )
    response.raise_for_status()


def attack(base: str, key: str) -> dict:
    """Start `key` while polling /health; the figures of one attack."""
    health = requests.Session()
    health.get(f"{base}/health", timeout=10)  # warm connection
    done = threading.Event()
    latencies: list[float] = []
    baseline = rss()
    peak = [0]

    def poll() -> None:
        while not done.is_set():
            start = time.perf_counter()
            health.get(f"{base}/health", timeout=30).raise_for_status()
            latencies.append(time.perf_counter() - start)
            done.wait(0.01)

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss() - baseline)
            time.sleep(0.002)

    threads = [threading.Thread(target=poll), threading.Thread(target=sample)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    start = time.perf_counter()
    response = requests.post(f"{base}/engine-rest/process-definition/key/{key}/start",
                             auth=("city1", "demo1234"), json={"variables": {}}, timeout=120)
    elapsed = time.perf_counter() - start
    time.sleep(0.05)
    done.set()
    for thread in threads:
        thread.join()
    message = response.json().get("message", "") if response.status_code != 200 else "started"
    return {"elapsed": elapsed, "status": response.status_code, "message": message,
            "health_max": max(latencies), "health_n": len(latencies), "rss": peak[0]}


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with database("sqlite") as url:
        ctx = build_context(Config(database_url=url))
        http = make_server("127.0.0.1", 0, create_app(ctx=ctx), threaded=True)
        base = f"http://127.0.0.1:{http.server_port}"
        threading.Thread(target=http.serve_forever, daemon=True).start()
        try:
            deploy(base, "warm_up", "x = 1")
            attack(base, "warm_up")  # first start parses, caches and connects: not the attack's cost
            idle = requests.Session()
            quiet = []
            for _ in range(50):
                start = time.perf_counter()
                idle.get(f"{base}/health", timeout=10)
                quiet.append(time.perf_counter() - start)
            print(f"/health with no attack: max {max(quiet) * 1000:.1f} ms over {len(quiet)} requests\n")
            print(f"{'attack':24} {'to error':>9} {'HTTP':>5} {'max /health':>12} {'n':>4} {'RSS +':>8}"
                  "  error")
            for number, (name, script) in enumerate(ATTACKS.items()):
                key = f"attack_{number}"
                deploy(base, key, script)
                r = attack(base, key)
                print(f"{name:24} {r['elapsed']:8.2f}s {r['status']:5} {r['health_max'] * 1000:9.1f} ms "
                      f"{r['health_n']:4} {r['rss'] / 2**20:6.0f}MB  {r['message'][-110:]}", flush=True)
        finally:
            http.shutdown()
            ctx.db.dispose()


if __name__ == "__main__":
    main()
