#!/usr/bin/env bash
# Build the one-folder Linux bundle: dist/scalpdesk/ (run ./dist/scalpdesk/scalpdesk) and
# dist/scalpdesk-<version>-linux-x86_64.tar.gz (extract, then ./scalpdesk/install.sh).
#
# Works from a clean checkout: makes .venv when it is missing (scripts/bootstrap.sh), installs
# PyInstaller from the `bundle` extra of pyproject.toml, stages the project as its wheel installs
# it (so the bundle holds what the wheel holds, not whatever sits in the checkout), then runs
# packaging/scalpdesk.spec. Build on the oldest Linux you target: the Qt and system libraries in
# the bundle come from this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
started=$(date +%s)

if [ ! -x .venv/bin/python ]; then
  bash scripts/bootstrap.sh
fi
PY=.venv/bin/python
mapfile -t BUNDLE_REQS < <("$PY" - <<'PYEOF'
import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["optional-dependencies"]["bundle"]))
PYEOF
)
"$PY" -m pip install -q "${BUNDLE_REQS[@]}"

VERSION=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
WORK=build/pyinstaller
SITE=$WORK/site
rm -rf "$WORK" build/lib build/bdist.* dist/scalpdesk dist/scalpdesk-*.tar.gz
mkdir -p "$WORK" dist
echo "build: staging the project as its wheel installs it"
if ! "$PY" -m pip install -q --no-deps --target "$SITE" . >"$WORK/stage.log" 2>&1; then
  cat "$WORK/stage.log" >&2
  exit 1
fi
rm -rf "$SITE"/bin "$SITE"/*.dist-info

echo "build: PyInstaller (packaging/scalpdesk.spec)"
SCALPDESK_SITE="$ROOT/$SITE" PYTHONPATH="$ROOT/$SITE" .venv/bin/pyinstaller --noconfirm --clean \
  --log-level WARN --distpath dist --workpath "$WORK/work" packaging/scalpdesk.spec

# The interpreter's debug symbols (~22 MB here) are no use to a user. Only these: a strip over
# everything breaks numpy's auditwheel-patched openblas ("ELF load command … not page-aligned").
if command -v strip >/dev/null 2>&1; then
  strip --strip-debug dist/scalpdesk/_internal/libpython3*.so* dist/scalpdesk/_internal/python3*/lib-dynload/*.so
fi

# Next to the executable: the installer (it finds the icons and the .desktop entry inside).
install -m 755 packaging/install.sh dist/scalpdesk/install.sh
tar -C dist -czf "dist/scalpdesk-$VERSION-linux-x86_64.tar.gz" scalpdesk

folder=$(du -sm dist/scalpdesk | cut -f1)
tarball=$(du -m "dist/scalpdesk-$VERSION-linux-x86_64.tar.gz" | cut -f1)
echo "build: dist/scalpdesk ${folder} MiB, dist/scalpdesk-$VERSION-linux-x86_64.tar.gz ${tarball} MiB," \
  "$(( $(date +%s) - started )) s"
