"""kill -9 under load loses nothing acknowledged: completions driven over HTTP under gunicorn, the master and
its workers killed mid-load and restarted; every completion that got a 2xx is in the database, and every
instance's stored SpiffWorkflow state agrees with its task projection (open user tasks == human_task rows)."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from bench.diagrams import W1_KEY, w1_diagram
from service.bootstrap import build_context
from service.config import Config
from service.context import Context
from service.engine import identities, instances
from service.engine.commands import restore
from service.engine.deployments import deploy
from service.engine.store.models import AuditEvent, HumanTask, ProcessInstance
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
AUTH = "Basic " + base64.b64encode(b"city1:demo1234").decode()
INSTANCES, CLIENTS = 8, 4
ACKNOWLEDGED_BEFORE_KILL = 24  # completions answered 204 before the kill (a few seconds of load)


def serve(url: str, port: int, log: Path) -> subprocess.Popen:
    """`gunicorn -w 2 'service:create_app()'` in a process group of its own (master and workers)."""
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": url, "CONSORTIUM_SECRET_KEY": "kill9-test",
           "PYTHONPATH": str(ROOT)}
    with log.open("a") as out:
        server = subprocess.Popen(
            [str(GUNICORN), "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "service:create_app()"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    kill(server)
    raise AssertionError(f"gunicorn did not answer /health: {log.read_text()[-2000:]}")


def kill(server: subprocess.Popen) -> None:
    """SIGKILL the master and every worker at once (the group this test started)."""
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait(timeout=30)


class Client(threading.Thread):
    """Completes the open tasks of its instances one request at a time until the server goes away."""

    def __init__(self, port: int, instance_ids: list[str], acknowledged: list[str]) -> None:
        super().__init__(daemon=True)
        self.port, self.instance_ids, self.acknowledged = port, instance_ids, acknowledged
        self.errors: list[tuple[int, bytes]] = []

    def call(self, conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None):
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": AUTH, "Content-Type": "application/json"}
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = {"variables": {"note": {"value": "已阅，同意", "type": "String"}}}
        try:
            while any(self.instance_ids):
                for instance_id in list(self.instance_ids):
                    path = f"/engine-rest/task?processInstanceId={instance_id}"
                    status, data = self.call(conn, "GET", path)
                    listed = json.loads(data) if status == 200 else []
                    if not listed:
                        self.instance_ids.remove(instance_id)
                        continue
                    path = f"/engine-rest/task/{listed[0]['id']}/complete"
                    status, data = self.call(conn, "POST", path, body)
                    if status == 204:
                        self.acknowledged.append(listed[0]["id"])
                    elif status != 409:
                        self.errors.append((status, data[:300]))
        except (OSError, http.client.HTTPException):
            return  # the server was killed: whatever was in flight got no answer


def check_consistency(ctx: Context, acknowledged: list[str], instance_ids: list[str]) -> None:
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rows = session.scalars(sa.select(ProcessInstance).where(ProcessInstance.id.in_(instance_ids))).all()
        states, projection = {}, {}
        for row in rows:
            running = restore(ctx, session, row)
            states[row.id] = running.workflow
            open_tasks = {task.task_id for task in running.user_tasks()}
            projected = set(session.scalars(sa.select(HumanTask.id).where(HumanTask.instance_id == row.id)))
            projection[row.id] = (open_tasks, projected)
        completed = set(session.scalars(sa.select(AuditEvent.task_id).where(
            AuditEvent.action == "task.completed", AuditEvent.instance_id.in_(instance_ids))))
    disagree = {i: p for i, p in projection.items() if p[0] != p[1]}
    assert not disagree, f"state and task projection disagree: {disagree}"
    lost = []
    still_open = set().union(*(p[0] for p in projection.values())) if projection else set()
    for task_id in acknowledged:
        found = [w.tasks.get(uuid.UUID(task_id)) for w in states.values()]
        found = [t for t in found if t is not None]
        if found:  # still in the task tree: it must be completed there
            if found[0].state != TaskState.COMPLETED:
                lost.append(task_id)
        elif task_id not in completed or task_id in still_open:
            # pruned from the tree (workflows/prune.py): its completion is in the same transaction's audit
            lost.append(task_id)
    assert not lost, f"{len(lost)} acknowledged completion(s) missing after kill -9: {lost[:5]}"


def test_kill_9_mid_load_loses_no_acknowledged_completion(database_url, tmp_path):
    ctx = build_context(Config(database_url=database_url))
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(form_key=None)}, actor=owner)
    instance_ids = [instances.start_instance(ctx, key=W1_KEY, actor=city).id for _ in range(INSTANCES)]
    log = tmp_path / "gunicorn.log"
    acknowledged: list[str] = []
    port = free_port()
    server = serve(database_url, port, log)
    try:
        clients = [Client(port, instance_ids[i::CLIENTS], acknowledged) for i in range(CLIENTS)]
        for client in clients:
            client.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, log.read_text()[-2000:]
        kill(server)  # mid-load: the clients have requests in flight
        for client in clients:
            client.join(timeout=60)
        assert not any(client.is_alive() for client in clients)
        assert not [e for client in clients for e in client.errors]
        total_before_restart = sum(len(ids) for ids in (c.instance_ids for c in clients))
        assert total_before_restart > 0, "every instance finished before the kill: the load was too short"

        server = serve(database_url, port, log)  # restart on the same database: serves again at once
        check_consistency(ctx, list(acknowledged), instance_ids)
        after = Client(port, instance_ids[:1], acknowledged)
        count = len(acknowledged)
        after.run()  # the restarted server completes the rest of an instance
        assert not after.errors and len(acknowledged) > count
    finally:
        kill(server)
    check_consistency(ctx, list(acknowledged), instance_ids)
    ctx.db.dispose()
