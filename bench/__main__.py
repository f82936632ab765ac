"""Run the benchmarks: `python -m bench [w1 procedure inbox profile memory http]` (default: all, HTTP last).

Each prints its figures and saves them to bench/results/<name>.txt; PostgreSQL parts run when the server
at 127.0.0.1:5432 answers (trust auth, user postgres), each in a database of its own that is dropped after.
"""

from __future__ import annotations

import argparse
import importlib

ORDER = ["w1", "procedure", "inbox", "profile", "memory", "http"]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    # no `choices=`: argparse refuses an empty list against choices on Python 3.11, i.e. the default "all"
    parser.add_argument("names", nargs="*", help=f"which benchmarks, of {', '.join(ORDER)} (default: all)")
    names = parser.parse_args().names or ORDER
    unknown = sorted(set(names) - set(ORDER))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    for name in ORDER:
        if name in names:
            report = importlib.import_module(f"bench.{name}").main()
            print(f"saved {report.save()}\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
