"""The engine's own work per command: at most MAX_ENGINE_STEPS tasks and MAX_ENGINE_CPU_SECONDS of CPU
(and, as a last guard, no task deeper than MAX_TASK_DEPTH in a task tree; loops stay shallow because
`workflows/prune.py` compacts the finished part of the tree, issue 12).

The sandbox bounds each single evaluation (`workflows/sandbox.py`, `workflows/limits.py`), but a
diagram can loop without ever reaching a wait state: a script task, an exclusive gateway and a flow
back to the script, or a ring of gateways. SpiffWorkflow's `do_engine_steps` then runs for ever inside
one database transaction (holding SQLite's write lock, or PostgreSQL's row lock) while its task tree
grows without bound (issue 11). Every command (`workflows/instance.py`: start/advance, task
completion, message, timer firing, call activities and service tasks included) gets one `StepBudget`;
it is charged before each engine task runs and raises `StepBudgetExceeded` naming the element where
it stopped and the budget that was hit. The service layer answers a person's command with a 4xx and
saves nothing; a scheduler's timer job becomes an incident at once.

Cost: one call, one int increment and one `time.thread_time()` per engine task (and a walk up the
task's parents every DEPTH_CHECK_EVERY tasks), about 0.3 µs beside
the tens of microseconds SpiffWorkflow spends on the task itself (bench: `python -m workflows.budget`).
"""

from __future__ import annotations

import time
from typing import Any

from .errors import StepBudgetExceeded

MAX_ENGINE_STEPS = 10_000
"""Most engine tasks (scripts, gateways, events, service tasks, call-activity tasks) one command may
run. The real procedure needs well under 100 per command; a legitimate loop of a few hundred passes
(three or four tasks each) fits."""
MAX_TASK_DEPTH = 900
"""Deepest task SpiffWorkflow may create in one (sub)process's task tree: a last guard only.
SpiffWorkflow 3.2's TaskIterator stops at depth 1,000 (`max_depth`), so a task deeper than that is
silently ignored and the instance would count as *completed* without reaching its end event. Every
task is the child of the one before it, but `workflows/prune.py` compacts the finished part of the
tree after every command and every PRUNE_EVERY engine steps (issue 12), so a loop keeps a depth of a
few dozen however many passes it makes, across commands and within one; an endless loop inside one
command is stopped by MAX_ENGINE_STEPS / MAX_ENGINE_CPU_SECONDS. This check would fire only for a
structure the compaction cannot shorten, and refuses instead of letting SpiffWorkflow lose tasks.
Checked every DEPTH_CHECK_EVERY steps, so the refusal comes before depth 1,000."""
DEPTH_CHECK_EVERY = 32
MAX_ENGINE_CPU_SECONDS = 5.0
"""Most CPU seconds (this thread's, so other requests' load does not count) one command's engine
steps may take together, scripts included; each single evaluation is further bounded to 1 s."""


class StepBudget:
    """Counts the engine tasks and thread CPU time of one command; `charge(task)` before each task.

    Thread-bound: create it on the thread that runs the command (thread CPU time is per thread).
    """

    __slots__ = ("cpu_deadline", "cpu_limit", "max_steps", "started", "steps")

    def __init__(self, max_steps: int | None = None, cpu_seconds: float | None = None) -> None:
        self.max_steps = MAX_ENGINE_STEPS if max_steps is None else max_steps
        self.cpu_limit = MAX_ENGINE_CPU_SECONDS if cpu_seconds is None else cpu_seconds
        self.steps = 0
        self.started = time.thread_time()
        self.cpu_deadline = self.started + self.cpu_limit

    def charge(self, task: Any) -> None:
        """Count one engine task about to run (SpiffWorkflow's `will_complete_task` hook).

        Raises:
            StepBudgetExceeded: the step count or the CPU time of this command is used up.
        """
        self.steps += 1
        if self.steps > self.max_steps:
            raise self._exceeded(task, f"engine step budget of {self.max_steps:,} steps (MAX_ENGINE_STEPS)",
                                 f"引擎步骤超出上限 {self.max_steps:,}")
        if time.thread_time() > self.cpu_deadline:
            raise self._exceeded(task, f"engine CPU budget of {self.cpu_limit:g} s (MAX_ENGINE_CPU_SECONDS)",
                                 f"引擎计算时间超出上限 {self.cpu_limit:g} 秒")
        if self.steps % DEPTH_CHECK_EVERY == 1 and getattr(task, "depth", 0) > MAX_TASK_DEPTH:
            raise self._exceeded(task, f"task tree depth of {MAX_TASK_DEPTH:,} (MAX_TASK_DEPTH; "
                                       f"SpiffWorkflow cannot follow a path of more than 1,000 tasks)",
                                 f"流程路径超出上限 {MAX_TASK_DEPTH:,} 个任务")

    __call__ = charge

    def _exceeded(self, task: Any, budget: str, budget_zh: str) -> StepBudgetExceeded:
        spec = getattr(task, "task_spec", None)
        element_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
        process_key = getattr(getattr(getattr(task, "workflow", None), "spec", None), "name", None)
        cpu = time.thread_time() - self.started
        return StepBudgetExceeded(budget, budget_zh, element_id=element_id, process_key=process_key,
                                  steps=self.steps - 1, cpu_seconds=cpu)


if __name__ == "__main__":  # the cost of one charge, on the hot path of every engine task
    import timeit

    class _Task:  # a task 500 deep: what the parent walk of the depth check costs midway
        def __init__(self, parent: _Task | None) -> None:
            self.parent = parent

        @property
        def depth(self) -> int:
            depth, task = 0, self.parent
            while task is not None:
                depth, task = depth + 1, task.parent
            return depth

    deep: _Task | None = None
    for _ in range(500):
        deep = _Task(deep)
    budget = StepBudget(max_steps=10**9, cpu_seconds=1e9)
    n = 1_000_000
    seconds = timeit.timeit(lambda: budget.charge(deep), number=n)
    print(f"StepBudget.charge: {seconds / n * 1e6:.3f} µs per engine task")
