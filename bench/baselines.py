"""The engine without persistence, the yardstick a use-case completion is measured against.

Three baselines, each per completion:
- bare SpiffWorkflow: parse once, then per instance run, complete each task and serialize the whole
  workflow to JSON with SpiffWorkflow's stock Camunda serializer after each completion (DESIGN.md "Cost");
- our engine in memory: what a command does besides the database: restore the instance from its state
  JSON (spec from the cache), complete the task, read the ready tasks, timers and variables for the
  projections, serialize the state;
- the floor: our engine in memory plus one durable commit of the instance row, nothing else: what a
  use-case completion cannot beat, so W1 prints use case / floor (issue 18).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.util.task import TaskState

from service.engine.store.db import WRITE
from workflows.engine import Engine

PickTask = Callable[[list[Any]], tuple[Any, dict[str, Any]] | None]


def bare_spiff(xml: bytes, key: str, data: dict[str, Any], instances: int) -> tuple[list[float], int]:
    """Milliseconds per completion (run + engine steps + full JSON), and the JSON size at the end."""
    parser = CamundaParser()
    parser.add_bpmn_str(xml)
    spec, subprocess_specs = parser.get_spec(key), parser.get_subprocess_specs(key)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    per_completion: list[float] = []
    size = 0
    for _ in range(instances):
        workflow = BpmnWorkflow(spec, subprocess_specs)
        workflow.do_engine_steps()
        while ready := workflow.get_tasks(state=TaskState.READY, manual=True):
            started = time.perf_counter()
            task = ready[0]
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            size = len(serializer.serialize_json(workflow))
            per_completion.append((time.perf_counter() - started) * 1000)
    return per_completion, size


def engine_in_memory(
    engine: Engine,
    spec_json: str,
    *,
    cache_key: str,
    variables: dict[str, Any],
    pick: PickTask,
    handlers: dict[str, Callable],
    now: datetime,
    instances: int,
) -> tuple[list[float], int]:
    """Milliseconds per completion of restore → complete → projections' reads → serialize, and state size.

    `pick` chooses the next (user task, form data) from the ready tasks, or None to stop.
    """
    per_completion: list[float] = []
    size = 0
    for _ in range(instances):
        running = engine.start(spec_json, cache_key=cache_key, variables=variables, now=now)
        running.advance(handlers, now)
        state = running.serialize()
        while (choice := pick(running.user_tasks())) is not None:
            task, data = choice
            started = time.perf_counter()
            running = engine.restore(spec_json, cache_key=cache_key, state_json=state)
            running.complete_task(task.task_id, data, handlers, now)
            running.user_tasks()
            running.timers()
            _ = running.variables
            state = running.serialize()
            per_completion.append((time.perf_counter() - started) * 1000)
            size = len(state)
    return per_completion, size


def floor(
    engine: Engine,
    spec_json: str,
    db: sa.engine.Engine,
    instance_id: str,
    *,
    cache_key: str,
    data: dict[str, Any],
    now: datetime,
    instances: int,
) -> list[float]:
    """Milliseconds per completion of the floor: `engine_in_memory`'s work plus one durable commit of the
    state into the instance row `instance_id` of `db`, nothing else (no projection, no audit, no ORM).

    The commit is what a completion cannot do without: on SQLite `BEGIN IMMEDIATE`, one UPDATE, COMMIT
    (with the pragmas `db` was built with: the use case's own); on PostgreSQL BEGIN, `SELECT ... FOR
    UPDATE` of the row, one UPDATE, COMMIT. Same engine, same database, same row size as the use case.
    """
    postgres = db.dialect.name == "postgresql"
    lock = sa.text("SELECT version FROM process_instance WHERE id = :id FOR UPDATE")
    update = sa.text("UPDATE process_instance SET state_json = :state, version = version + 1 WHERE id = :id")
    writer = db.execution_options(**WRITE)
    per_completion: list[float] = []
    for _ in range(instances):
        running = engine.start(spec_json, cache_key=cache_key, variables={}, now=now)
        running.advance({}, now)
        state = running.serialize()
        while ready := running.user_tasks():
            started = time.perf_counter()
            running = engine.restore(spec_json, cache_key=cache_key, state_json=state)
            running.complete_task(ready[0].task_id, data, {}, now)
            running.user_tasks()
            running.timers()
            _ = running.variables
            state = running.serialize()
            with writer.connect() as conn:
                if postgres:
                    conn.execute(lock, {"id": instance_id})
                conn.execute(update, {"state": state, "id": instance_id})
                conn.commit()
            per_completion.append((time.perf_counter() - started) * 1000)
    return per_completion
