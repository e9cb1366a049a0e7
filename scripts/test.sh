#!/usr/bin/env bash
# The test command: installs what it needs (scripts/bootstrap.sh), then lint, types and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (app/core, app/venues, app/feeds, app/storage)"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
