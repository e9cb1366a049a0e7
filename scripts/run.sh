#!/usr/bin/env bash
# The run command: installs what it needs (scripts/bootstrap.sh), then starts Scalpdesk.
# Arguments are passed to the `scalpdesk` command (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/scalpdesk "$@"
