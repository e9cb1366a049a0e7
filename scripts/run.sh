#!/usr/bin/env bash
# The run command: installs what it needs (scripts/bootstrap.sh), then starts Scalpdesk.
# Arguments are passed to the `scalpdesk` command (see README).
# With no display at all (a server, CI), Qt would abort; the app then runs on a virtual X server
# (Xvfb), which is useful with --exit-after and --screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  if command -v xvfb-run >/dev/null 2>&1; then
    echo "run: no display found; running on a virtual X server (Xvfb). Try: --exit-after 20 --screenshot shot.png" >&2
    exec xvfb-run -a -s "-screen 0 1920x1200x24 -nolisten tcp" .venv/bin/scalpdesk "$@"
  fi
  echo "run: no display found and no xvfb-run; set DISPLAY or QT_QPA_PLATFORM=offscreen" >&2
  exit 1
fi
exec .venv/bin/scalpdesk "$@"
