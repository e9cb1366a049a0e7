#!/usr/bin/env bash
# Smoke test of the built bundle (bash packaging/build.sh first): `--version` answers, and the
# window starts under Xvfb (a real X server, the xcb platform a desktop uses, not offscreen) on
# the bundled recording, paints, writes a screenshot and exits 0 by itself. The screenshot must
# be a picture of the workstation, not a blank window: many distinct colours.
#
# It runs the bundle from outside the checkout with a bare environment, so nothing of the dev
# venv or the checkout can stand in for a missing piece of the bundle. Settings, journal and logs
# go to a temporary folder, never the user's.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUNDLE=${1:-$ROOT/dist/scalpdesk}
EXE=$BUNDLE/scalpdesk
SECONDS_SHOWN=${SMOKE_SECONDS:-8}
MIN_COLOURS=200
started=$(date +%s)

[ -x "$EXE" ] || { echo "smoke: $EXE missing: run bash packaging/build.sh first" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "smoke: xvfb-run missing (bash scripts/bootstrap.sh)" >&2; exit 1; }
OUT=$(mktemp -d "${TMPDIR:-/tmp}/scalpdesk-smoke.XXXXXX")
SHOT=$OUT/screenshot.png
bare=(env -i "PATH=/usr/bin:/bin" "HOME=$OUT/home" "SCALPDESK_CONFIG_DIR=$OUT/config"
      "SCALPDESK_DATA_DIR=$OUT/data" "LANG=C.UTF-8")
mkdir -p "$OUT/home"

version=$(cd "$OUT" && "${bare[@]}" "$EXE" --version)
echo "smoke: $version"
[[ $version == scalpdesk\ * && $version != *"not installed"* ]] || { echo "smoke: bad --version" >&2; exit 1; }

set +e
(cd "$OUT" && "${bare[@]}" xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
  "$EXE" --speed 10 --exit-after "$SECONDS_SHOWN" --screenshot "$SHOT") >"$OUT/run.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  cat "$OUT/run.log" >&2
  echo "smoke: the bundle exited $rc" >&2
  exit 1
fi
[ -s "$SHOT" ] || { echo "smoke: no screenshot at $SHOT" >&2; exit 1; }
LOG=$OUT/data/logs/scalpdesk.log
grep -q "first frame painted" "$LOG" || { cat "$LOG" >&2; echo "smoke: no frame painted" >&2; exit 1; }
if grep -q "Traceback" "$LOG" "$OUT/run.log"; then
  cat "$LOG" "$OUT/run.log" >&2
  echo "smoke: a traceback was logged" >&2
  exit 1
fi

# Counted with the dev venv's Qt (the bundle has no Python prompt): distinct colours and size.
read -r width height colours < <(QT_QPA_PLATFORM=offscreen "$ROOT/.venv/bin/python" - "$SHOT" <<'PYEOF'
import sys
from PySide6 import QtGui
image = QtGui.QImage(sys.argv[1]).convertToFormat(QtGui.QImage.Format.Format_RGB32)
data = bytes(image.constBits())
colours = {data[i : i + 4] for i in range(0, len(data), 4)}
print(image.width(), image.height(), len(colours))
PYEOF
)
echo "smoke: screenshot ${width}x${height}, $colours distinct colours: $SHOT"
if [ "$colours" -lt "$MIN_COLOURS" ]; then
  echo "smoke: the screenshot looks blank (fewer than $MIN_COLOURS colours)" >&2
  exit 1
fi
echo "smoke: passed in $(( $(date +%s) - started )) s"
