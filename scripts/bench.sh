#!/usr/bin/env bash
# Run the benchmarks (issue 8): W1 and the real procedure against the bare engine, the inbox at 10,000 open
# instances, a profile of one completion, and HTTP under gunicorn. Figures print and land in bench/results/.
# PostgreSQL parts need the server at 127.0.0.1:5432 (trust auth, user postgres); without it, SQLite only.
# Usage: bash scripts/bench.sh [w1 procedure inbox profile memory http]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m bench "$@"
