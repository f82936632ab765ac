#!/usr/bin/env bash
# The tests use the PostgreSQL at CONSORTIUM_TEST_PG_URL (default 127.0.0.1:5432) or start a private one
# on loopback; for the latter the server binaries must exist. Install them where none answers and none is
# installed (Debian/Ubuntu, as root).
set -euo pipefail
url=${CONSORTIUM_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -d "$url"; then
  exit 0
fi
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing PostgreSQL server binaries for the tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # Debian starts a cluster on install where it can; start it explicitly when it did not.
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    ver=$(ls /etc/postgresql | head -n1)
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
  fi
else
  echo "no PostgreSQL answers at $url and none is installed: install postgresql or set CONSORTIUM_TEST_PG_URL" >&2
  exit 1
fi
