"""The real procedure: consortium_recommendation driven along its happy path to publicity.

`tests/support/procedure.Walk` drives it through the use cases exactly as the tests do (rounds, panel
draw, declarations, scoring, selection included); every `complete_task` is timed and its SQL counted.
The engine's share of those same commands (restore, complete and run, serialize) is timed alongside, as
the yardstick: what the command costs beyond the engine is persistence, projections, domain sync, audit.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from service.engine import tasks
from tests.support.procedure import Walk
from workflows.engine import Engine, Instance

from . import storage
from .support import Report, SqlCounter, Summary, context, database, kinds, rounds_range

WALKS = 5


@contextmanager
def timed(owner: Any, name: str, into: list[float], counter: SqlCounter | None = None) -> Iterator[None]:
    """Replace `owner.name` for the duration by a wrapper that times every call (bench-only patching)."""
    original: Callable = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            if counter is None:
                return original(*args, **kwargs)
            with counter.counting():
                return original(*args, **kwargs)
        finally:
            into.append((time.perf_counter() - started) * 1000)

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


def run(url: str, report: Report) -> None:
    ctx, _clock = context(url)
    Walk(ctx).through_to_publicity()  # warm-up
    counter = SqlCounter(ctx.db)
    completions: list[float] = []
    engine_parts: list[float] = []
    walk_rates, ids = [], []
    with ExitStack() as stack:
        stack.enter_context(timed(tasks, "complete_task", completions, counter))
        for owner, name in ((Engine, "restore"), (Instance, "complete_task"), (Instance, "serialize")):
            stack.enter_context(timed(owner, name, engine_parts))
        for _ in range(WALKS):
            before, started = len(completions), time.perf_counter()
            walk = Walk(ctx)
            walk.through_to_publicity()
            ids.append(walk.instance_id)
            walk_rates.append(time.perf_counter() - started)
            report(f"    walk: {len(completions) - before} completions")
    n = len(completions)
    engine_ms = sum(engine_parts) / n
    stored = storage.payload(ctx, ids)
    report(f"  use case, ms per completion      {Summary.of(completions)}")
    report(f"  engine's share (restore + complete + serialize), ms per completion {engine_ms:.3f}")
    median = statistics.median(completions)
    report(f"  ratio use case / engine share = {median / engine_ms:.2f}x (median / mean)")
    report(f"  whole walk to publicity, s       {rounds_range(walk_rates)} (all Walk does, lists included)")
    report(f"  SQL statements per completion {counter.statements / n:.1f}, commits {counter.commits / n:.2f}")
    report(
        f"  bytes stored per instance at publicity: state_json {stored['state_json']:.0f}, variables_json"
        f" {stored['variables_json']:.0f}, audit events {stored['audit_events']:.0f}"
        f" (detail {stored['audit_detail']:.0f})"
    )
    ctx.db.dispose()


def main() -> Report:
    report = Report("procedure")
    report(f"The real procedure: consortium_recommendation happy path to publicity, {WALKS} walks")
    for kind in kinds():
        report(f"  --- {kind}")
        with database(kind) as url:
            run(url, report)
    return report


if __name__ == "__main__":
    main().save()
