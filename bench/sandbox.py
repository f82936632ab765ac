"""Cost of one sandboxed evaluation: `python -m bench.sandbox`.

Prints µs per evaluation (CPU time of the thread, best of several rounds: a busy machine only adds)
of a gateway condition and of a five-line script through `SandboxEnvironment`, the object every
gateway, script task, timer and `${...}` goes through.
The compile step is cached (`compile_sandboxed` is an lru_cache), as in production.
"""

from __future__ import annotations

import time

from workflows.helpers import DEFAULT_HELPERS
from workflows.sandbox import SandboxEnvironment

CONDITION = "approved == True"
SCRIPT = (
    "total = 0\n"
    "for s in scores:\n"
    "    total += s\n"
    "label = 'A-%d' % len(scores)\n"
    "passed = total / len(scores) >= 60\n"
)


def per_call(func, rounds: int = 15, n: int = 5000) -> float:
    """Best µs per call of `func` over `rounds` rounds of `n` calls."""
    figures = []
    for _ in range(rounds):
        start = time.thread_time()
        for _ in range(n):
            func()
        figures.append((time.thread_time() - start) / n * 1e6)
    return min(figures)


def main() -> dict[str, float]:
    env = SandboxEnvironment(DEFAULT_HELPERS)
    data = {"approved": True, "scores": [70, 80, 90], "name": "x"}
    results = {
        "condition": per_call(lambda: env.evaluate(CONDITION, dict(data))),
        "script": per_call(lambda: env.execute(SCRIPT, dict(data))),
    }
    print(f"condition {CONDITION!r}: {results['condition']:.1f} µs per evaluation")
    print(f"5-line script: {results['script']:.1f} µs per execution")
    return results


if __name__ == "__main__":
    main()
