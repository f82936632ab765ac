"""A profile of W1 completions through the use-case layer (cProfile), saved next to the figures.

Profiles `COMPLETIONS` completions after a warm-up instance, so one-off costs (spec decoding, statement
compilation) do not hide what every request pays; prints and saves the top entries by cumulative and by
own time.
"""

from __future__ import annotations

import cProfile
import io
import pstats

from service.engine import identities, instances, tasks
from service.engine.deployments import deploy

from .diagrams import FORM_DATA, W1_KEY, register_form, w1_diagram
from .support import RESULTS, Report, context, database, kinds
from .w1 import UseCaseRun, open_task

COMPLETIONS = 200
TOP = 40


def profile(kind: str, report: Report) -> None:
    with database(kind) as url:
        ctx, _clock = context(url)
        owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
        deploy(ctx, files={"w1.bpmn": w1_diagram()}, actor=owner)
        UseCaseRun(ctx).instance(W1_KEY, city, FORM_DATA)
        profiler = cProfile.Profile()
        done = 0
        while done < COMPLETIONS:
            started = instances.start_instance(ctx, key=W1_KEY, actor=city)
            while (task_id := open_task(ctx, started.id)) is not None:
                profiler.enable()
                tasks.complete_task(ctx, task_id=task_id, actor=city, data=FORM_DATA)
                profiler.disable()
                done += 1
        ctx.db.dispose()
    RESULTS.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(RESULTS / f"profile-{kind}.prof")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(TOP)
        report(f"--- {kind}: {done} W1 completions, top {TOP} by {order}")
        for line in out.getvalue().splitlines():
            if line.strip() and not line.startswith(("   Ordered by", "   List reduced")):
                report(line)


def main() -> Report:
    report = Report("profile")
    register_form()
    for kind in kinds():
        profile(kind, report)
    return report


if __name__ == "__main__":
    main().save()
