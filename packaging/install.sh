#!/usr/bin/env bash
# Put the Scalpdesk bundle in this user's applications menu (no root needed):
#   ./scalpdesk/install.sh               copy the bundle to ~/.local/share/scalpdesk/app and add it
#   ./scalpdesk/install.sh --in-place    add the bundle where it is (it must stay there)
#   ./scalpdesk/install.sh --uninstall   remove the menu entry, icons, link and copied bundle
# It writes the menu entry to ~/.local/share/applications/scalpdesk.desktop with the absolute path
# of the executable, the icons to ~/.local/share/icons/hicolor/<size>/apps/scalpdesk.png, and a
# link ~/.local/bin/scalpdesk. $XDG_DATA_HOME replaces ~/.local/share when set.
#
# The copy lives in app/ beside the user's journal, logs and recordings (the app's data dir), and
# --uninstall removes app/ only: the trade journal and the recordings are the user's, not ours.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
TARGET=$DATA_HOME/scalpdesk/app
APPS=$DATA_HOME/applications
ICONS=$DATA_HOME/icons/hicolor
BIN=$HOME/.local/bin
SIZES=(16 32 48 64 128 256 512)
RES=$HERE/_internal/app/resources

usage() { sed -n '2,5s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

refresh_menus() {  # optional helpers; menus also notice the files by themselves
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
}

uninstall() {
  rm -f "$APPS/scalpdesk.desktop" "$ICONS/scalable/apps/scalpdesk.svg"
  for size in "${SIZES[@]}"; do rm -f "$ICONS/${size}x${size}/apps/scalpdesk.png"; done
  if [ -L "$BIN/scalpdesk" ]; then rm -f "$BIN/scalpdesk"; fi
  rm -rf "$TARGET"
  refresh_menus
  echo "Scalpdesk removed from the menu (your journal, logs and recordings in $DATA_HOME/scalpdesk are kept)."
}

# A desktop entry's Exec quotes its path; inside the quotes \ " ` $ take a backslash.
exec_quoted() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/[\\"`$]/\\&/g')"; }

install_from() {
  local home=$1 exe=$1/scalpdesk
  [ -x "$exe" ] || { echo "install.sh: no executable $exe" >&2; exit 1; }
  [ -f "$RES/scalpdesk.desktop" ] || { echo "install.sh: $RES/scalpdesk.desktop missing" >&2; exit 1; }
  mkdir -p "$APPS" "$ICONS/scalable/apps" "$BIN"
  for size in "${SIZES[@]}"; do
    mkdir -p "$ICONS/${size}x${size}/apps"
    cp "$RES/icons/scalpdesk-$size.png" "$ICONS/${size}x${size}/apps/scalpdesk.png"
  done
  cp "$RES/icons/scalpdesk.svg" "$ICONS/scalable/apps/scalpdesk.svg"
  local quoted
  quoted=$(exec_quoted "$exe")
  sed -e "s|^Exec=.*|Exec=${quoted//|/\\|}|" -e "s|^TryExec=.*|TryExec=${exe//|/\\|}|" \
    "$RES/scalpdesk.desktop" >"$APPS/scalpdesk.desktop.tmp"
  mv "$APPS/scalpdesk.desktop.tmp" "$APPS/scalpdesk.desktop"
  ln -sfn "$exe" "$BIN/scalpdesk"
  refresh_menus
  echo "Scalpdesk is in your applications menu; run it from there or as $exe"
  case ":$PATH:" in *":$BIN:"*) echo "(or type: scalpdesk)" ;; esac
}

case "${1:-}" in
  --uninstall) uninstall ;;
  --in-place) install_from "$HERE" ;;
  "")
    if [ "$HERE" != "$TARGET" ]; then
      rm -rf "$TARGET.new"
      mkdir -p "$(dirname "$TARGET")"
      cp -a "$HERE" "$TARGET.new"
      rm -rf "$TARGET"
      mv "$TARGET.new" "$TARGET"
    fi
    RES=$TARGET/_internal/app/resources
    install_from "$TARGET"
    ;;
  -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
