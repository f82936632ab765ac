#!/usr/bin/env bash
# Set up and run every check: ruff, the import contracts (setup.cfg), then the whole pytest suite on
# SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-postgres-binaries.sh
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest "$@"
