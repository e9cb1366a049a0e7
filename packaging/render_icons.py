"""Render resources/icons/scalpdesk.svg to the PNG sizes desktops ask for (16 … 512 px).

Why a script and not a hand export: the PNGs must stay the SVG's pixels, so whoever changes the
drawing re-runs this (`.venv/bin/python packaging/render_icons.py`) and commits both. QtSvg is
already in the app's stack (PySide6-Essentials), so no other renderer is needed; it renders
offscreen, without a display.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import QtCore, QtGui, QtSvg  # after the platform is set

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "scalpdesk.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICONS / f"scalpdesk-{size}.png"


def render(size: int, renderer: QtSvg.QSvgRenderer) -> QtGui.QImage:
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QtCore.QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    app = QtGui.QGuiApplication.instance() or QtGui.QGuiApplication(sys.argv[:1])
    renderer = QtSvg.QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"render_icons: {SVG} is not a valid SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        path = png_path(size)
        if not render(size, renderer).save(str(path), "PNG"):
            print(f"render_icons: cannot write {path}", file=sys.stderr)
            return 1
        print(f"{path.relative_to(ICONS.parents[1])}: {size}x{size}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
