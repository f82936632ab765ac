"""Issue 16: fetchAndLock long polls held without a thread each, under `gunicorn -k asgi` (the ASGI
bridge, service/api/asgi_bridge.py). The server gets 4 request threads and 20 workers park long polls
on it: ordinary requests still answer, a task started over REST (a commit in the server's process) is
delivered to a parked poll, and so is a task another process creates in the database (found by the
bridge's periodic check). No timing is asserted: each wait is a generous bound for a busy machine."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from service.actors import Actor
from service.consortium.demo import DEMO_PASSWORD
from service.engine import instances
from tests.http.walk import modeler_upload

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
DIAGRAM = (Path(__file__).parent / "credit_check.bpmn").read_bytes()
OWNER = Actor(id="owner", groups=frozenset({"process_owner"}))
POLLERS = 20
THREADS = 4  # fewer request threads than parked polls: a poll holding a thread would starve the rest


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(condition, what: str, process: subprocess.Popen, log: Path, bound: float = 120) -> None:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text()[-3000:]}")
        try:
            if condition():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} (log: {log.read_text()[-3000:]})")


@pytest.fixture
def asgi_server(ctx, database_url, tmp_path):
    port = _port()
    log = tmp_path / "gunicorn.log"
    env = dict(os.environ)
    env.update(
        CONSORTIUM_DATABASE_URL=database_url,
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
        CONSORTIUM_WSGI_THREADS=str(THREADS),
        CONSORTIUM_LONG_POLL_SECONDS="600",
        CONSORTIUM_INSTANCE_DIR=str(tmp_path),
    )
    process = subprocess.Popen(
        [str(GUNICORN), "-k", "asgi", "-w", "1", "--timeout", "600", "-b", f"127.0.0.1:{port}",
         "service.asgi:create_asgi_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _until(lambda: requests.get(base + "/health", timeout=10).status_code == 200, "no /health",
               process, log)
        yield base, process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _session() -> requests.Session:
    session = requests.Session()
    session.auth = ("owner", DEMO_PASSWORD)
    return session


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in the virtualenv")
def test_parked_long_polls_leave_the_server_free_and_get_new_tasks(asgi_server, ctx):
    base, process, log = asgi_server
    rest = base + "/engine-rest"
    owner = _session()
    deployed = owner.post(rest + "/deployment/create", timeout=60,
                          **modeler_upload({"credit_check.bpmn": DIAGRAM}, name="credit"))
    assert deployed.status_code == 200, deployed.text

    answers: list[tuple[int, list]] = []
    lock = threading.Lock()

    def poll(index: int) -> None:
        try:
            answer = _session().post(rest + "/external-task/fetchAndLock", timeout=600, json={
                "workerId": f"poller-{index}", "maxTasks": 1, "asyncResponseTimeout": 600_000,
                "topics": [{"topicName": "creditCheck", "lockDuration": 60_000}]})
        except requests.RequestException:
            return  # the server stopped at the end of the test
        with lock:
            answers.append((answer.status_code, answer.json()))

    pollers = [threading.Thread(target=poll, args=(i,), daemon=True) for i in range(POLLERS)]
    for thread in pollers:
        thread.start()

    def parked() -> int:
        return requests.get(base + "/health", timeout=30).json().get("parkedLongPolls", 0)

    _until(lambda: parked() == POLLERS, "the long polls did not all park", process, log)

    # 20 polls wait on a server with 4 request threads: ordinary requests still answer
    listed = owner.get(rest + "/process-definition", params={"key": "credit_check"}, timeout=60)
    assert listed.status_code == 200 and [d["key"] for d in listed.json()] == ["credit_check"]
    assert owner.get(rest + "/external-task/count", timeout=60).json() == {"count": 0}
    assert answers == []

    # a start over REST commits a task in the server's process: a parked poll gets it
    started = owner.post(rest + "/process-definition/key/credit_check/start", timeout=60,
                         json={"businessKey": "CREDIT-1",
                               "variables": {"amount": {"value": 5, "type": "Integer"}}})
    assert started.status_code == 200, started.text
    _until(lambda: len(answers) == 1, "no parked poll got the new task", process, log)
    [(status, [task])] = answers
    assert status == 200 and task["processInstanceId"] == started.json()["id"]
    assert task["topicName"] == "creditCheck" and task["workerId"].startswith("poller-")
    _until(lambda: parked() == POLLERS - 1, "the other polls stopped waiting", process, log)

    # another process (here the test's own context) creates a task in the database: found by the check
    other = instances.start_instance(ctx, key="credit_check", actor=OWNER, business_key="CREDIT-2",
                                     variables={"amount": 7})
    _until(lambda: len(answers) == 2, "no parked poll got the task of another process", process, log)
    status, [task] = answers[1]
    assert status == 200 and task["processInstanceId"] == other.id and task["businessKey"] == "CREDIT-2"
    assert parked() == POLLERS - 2
    locked = owner.get(rest + "/external-task/count", params={"locked": "true"}, timeout=60)
    assert locked.json() == {"count": 2}
