#!/usr/bin/env bash
# Create .venv and install consortium-office with its test tools. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
# The pages' front-end packages (bpmn-js, ECharts), served as installed: no build step.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix service/web --no-audit --no-fund --silent || npm install --prefix service/web --no-audit --no-fund --silent
fi
# The page tests drive Debian's Chromium through Playwright (no browser download); CJK fonts for screenshots
# and for the PDFs WeasyPrint renders, which also needs Pango (with HarfBuzz's subsetter) from Debian.
if { [ ! -x /usr/bin/chromium ] || [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
     || ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; } \
  && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null
fi
