"""A benchmark of this tree beside the same benchmark of an earlier commit, run alternately on one machine.

`python -m bench.compare COMMIT NAME [--runs N]`, e.g. `python -m bench.compare d573a9f procedure`: checks
COMMIT out into a temporary git worktree and runs `python -m bench NAME` there and here in turn, N times
each, so a machine whose speed drifts slows both alike. Prints, per database kind, every run's median ms
per use-case completion and the median of those medians with the change, and saves it to
bench/results/NAME-vs-COMMIT.txt. Figures from different days are not comparable (issue 12's "no
regression beyond 10 % per completion" is checked with this).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from .support import ROOT, Report, worktree

MEDIAN = re.compile(r"use case, ms per completion\s+median\s+([\d.]+)")
KIND = re.compile(r"---\s+(sqlite|postgresql)\b")


def medians(tree: Path, name: str) -> dict[str, float]:
    """{database kind: median ms per use-case completion} printed by `python -m bench NAME` in `tree`."""
    paths = [str(tree)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != ROOT]
    done = subprocess.run([sys.executable, "-m", "bench", name], cwd=tree, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)}, check=True)
    found, kind = {}, None
    for line in done.stdout.splitlines():
        if match := KIND.search(line):
            kind = match.group(1)
        elif (match := MEDIAN.search(line)) and kind and kind not in found:
            found[kind] = float(match.group(1))
    return found


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("commit", help="the earlier commit (any git revision)")
    parser.add_argument("name", help="which benchmark (w1, procedure)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, alternating (default 3)")
    args = parser.parse_args(argv)
    report = Report(f"{args.name}-vs-{args.commit}")
    report(f"{args.name}: this tree beside {args.commit}, {args.runs} runs each, alternating; "
           "median ms per use-case completion of each run")
    runs: dict[str, dict[str, list[float]]] = {"base": {}, "this": {}}
    with worktree(args.commit) as tree:
        if tree is None:
            raise SystemExit(f"git cannot check {args.commit} out")
        for _ in range(args.runs):
            for label, where in (("base", tree), ("this", ROOT)):
                for kind, value in medians(where, args.name).items():
                    runs[label].setdefault(kind, []).append(value)
    for kind in runs["this"]:
        base, this = runs["base"].get(kind, []), runs["this"][kind]
        report(f"  --- {kind}")
        report(f"    {args.commit:<10} {'  '.join(f'{v:7.3f}' for v in base)}")
        report(f"    {'this tree':<10} {'  '.join(f'{v:7.3f}' for v in this)}")
        if base:
            before, after = statistics.median(base), statistics.median(this)
            change = 100 * (after / before - 1)
            report(f"    median of medians {before:.3f} -> {after:.3f} ms ({change:+.1f} %)")
    report(f"  (run at {datetime.now().isoformat(timespec='seconds')})")
    return report


if __name__ == "__main__":
    main().save()
