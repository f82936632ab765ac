"""fetchAndLock's `asyncResponseTimeout`: a worker's request waits until a task of its topic appears
(woken by the commit that created it) instead of answering empty at once."""

from __future__ import annotations

import threading
import time

from service.api.engine_rest import external_tasks as edge
from tests.integrators.test_external_task_workers import deploy_and_start


def waiting_requests() -> int:
    return edge.LONG_POLL_WAITERS_LIMIT - edge.LONG_POLL_WAITERS._value


def test_a_long_poll_is_answered_by_the_task_that_appears(server):
    owner = server.client("owner")
    body = {
        "workerId": "poller",
        "maxTasks": 1,
        "asyncResponseTimeout": 25_000,
        "topics": [{"topicName": "creditCheck", "lockDuration": 10_000}],
    }
    answers: list = []
    poller = threading.Thread(
        target=lambda: answers.append(owner.rest("POST", "/external-task/fetchAndLock", json=body))
    )
    poller.start()
    deadline = time.monotonic() + 20
    while waiting_requests() == 0 and time.monotonic() < deadline:  # until the request waits on the server
        time.sleep(0.05)
    assert waiting_requests() == 1
    iid = deploy_and_start(server)
    poller.join(timeout=30)
    [answer] = answers
    assert answer.status_code == 200
    [locked] = answer.json()
    assert locked["processInstanceId"] == iid and locked["workerId"] == "poller"
