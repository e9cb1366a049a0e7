"""The icon set the bundle, the menu entry and the window use: every size, at its size."""

from __future__ import annotations

from PySide6 import QtGui

from app.resources import ICON_SIZES, icon_png
from app.ui.app_icon import app_icon


def test_every_png_exists_at_its_size(qapp):
    for size in ICON_SIZES:
        image = QtGui.QImage()

        loaded = image.loadFromData(icon_png(size).read_bytes(), "PNG")

        assert loaded, f"scalpdesk-{size}.png does not load"
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()  # rounded corners stay transparent on any panel


def test_the_window_icon_carries_every_size(qapp):
    icon = app_icon()

    assert sorted(s.width() for s in icon.availableSizes()) == sorted(ICON_SIZES)
