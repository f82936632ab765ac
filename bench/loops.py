"""Long loops (issue 12, fault 1): `python -m bench.loops [passes]` (default 10,000).

Drives the conformance diagrams tests/conformance/data/timer_loop.bpmn (wait one day, count, loop)
and send_back.bpmn (two user tasks, sent back until accepted) in memory through `workflows.engine`,
the way the service does (one command per timer firing or task completion, state serialized after
each), and prints, at pass 10 and at the last pass: ms per command (CPU time of the thread, mean
over the 10 passes before), characters of the stored state and tasks in the task tree. With the
task tree compacted (workflows/prune.py) the figures stay flat; before, the loops stopped near pass
250/333. Timing is printed only: the tests assert the deterministic sizes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workflows.engine import Engine, Instance

DATA = Path(__file__).resolve().parent.parent / "tests" / "conformance" / "data"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
WINDOW = 10


def _start(engine: Engine, file: str, key: str, variables: dict) -> Instance:
    compiled = engine.compile({file: (DATA / file).read_bytes()})[key]
    instance = engine.start(compiled.spec_json, cache_key=f"bench:{key}", variables=variables, now=NOW)
    instance.advance({}, NOW)
    return instance


def _run(name: str, passes: int, instance: Instance, one_pass: Callable[[Instance, int], int]) -> None:
    samples: list[float] = []
    marks = {WINDOW, passes}
    for n in range(1, passes + 1):
        started = time.thread_time()
        commands = one_pass(instance, n)
        instance.serialize()
        samples.append((time.thread_time() - started) * 1000 / commands)
        if n in marks:
            recent = samples[-WINDOW:]
            size, tasks = len(instance.serialize()), len(instance.workflow.tasks)
            print(f"{name:<10} pass {n:>6}: {sum(recent) / len(recent):6.2f} ms/command, "
                  f"state {size:>6} chars, {tasks:>3} tasks", flush=True)
    print(f"{name:<10} ended at {instance.end_element_id} with {instance.variables}\n", flush=True)


def _timer_pass(instance: Instance, _n: int) -> int:
    [timer] = instance.timers()
    instance.fire_due_timers({}, timer.due_at + timedelta(seconds=1))
    return 1


def _send_back_pass(passes: int) -> Callable[[Instance, int], int]:
    def one(instance: Instance, n: int) -> int:
        [prepare] = instance.user_tasks()
        instance.complete_task(prepare.task_id, {"pass_no": n}, {}, NOW)
        [check] = instance.user_tasks()
        instance.complete_task(check.task_id, {"decision": "accept" if n == passes else "back"}, {}, NOW)
        return 2
    return one


def main(passes: int = 10_000) -> None:
    engine = Engine()
    _run("timer", passes, _start(engine, "timer_loop.bpmn", "timer_loop", {"days": passes}), _timer_pass)
    _run("send-back", passes, _start(engine, "send_back.bpmn", "send_back", {}), _send_back_pass(passes))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
