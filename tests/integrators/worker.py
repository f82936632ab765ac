"""A worker written as an integrator would, with the real `camunda-external-task-client-python3`
(PyPI, unmodified); the tests run it as a subprocess against the live server.

    python worker.py BASE_URL USER PASSWORD WORKER_ID MODE [TASK_ID]

Modes: complete | fail | bpmn_error run one fetch-and-execute round with the client's
ExternalTaskWorker; lock fetches and locks without handling (the task is left locked);
complete_id completes TASK_ID directly with the client. Prints one JSON line with what happened.
"""

from __future__ import annotations

import json
import sys

from camunda.client.external_task_client import ExternalTaskClient
from camunda.external_task.external_task_worker import ExternalTaskWorker, NoExternalTaskFound

TOPIC = "creditCheck"


def main() -> None:
    base, user, password, worker_id, mode = sys.argv[1:6]
    config = {
        "auth_basic": {"username": user, "password": password},
        "maxTasks": 1,
        "lockDuration": 60_000,
        "asyncResponseTimeout": 1_000,
        "retries": 3,
        "retryTimeout": 0,
        "sleepSeconds": 0,
    }
    seen: dict = {}

    def handle(task):
        seen.update(
            id=task.get_task_id(), variables=task.get_variables(), businessKey=task.get_business_key()
        )
        if mode == "complete":
            return task.complete({"score": 700, "checkedBy": worker_id})
        if mode == "fail":
            return task.failure("信用平台不可用 / credit platform down", "HTTP 503", 3, 0)
        return task.bpmn_error("NO_CREDIT", "no credit line", {"reason": "debt"})

    if mode == "lock":
        client = ExternalTaskClient(worker_id, base, config)
        locked = client.fetch_and_lock(TOPIC)
        print(json.dumps({"locked": [t["id"] for t in locked]}))
        return
    if mode == "complete_id":
        client = ExternalTaskClient(worker_id, base, config)
        try:
            client.complete(sys.argv[6], {"score": 1})
            print(json.dumps({"completed": True}))
        except Exception as exc:  # the client raises on any non-2xx answer
            print(json.dumps({"completed": False, "error": str(exc)}))
        return
    worker = ExternalTaskWorker(worker_id, base, config)
    try:
        worker.fetch_and_execute(TOPIC, handle)
    except NoExternalTaskFound:
        pass
    print(json.dumps({"handled": seen}))


if __name__ == "__main__":
    main()
