#!/usr/bin/env bash
# Set up, create the SQLite database under var/, deploy the diagrams, seed demo users, serve on :8080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/consortium demo --host 127.0.0.1 --port "${PORT:-8080}"
