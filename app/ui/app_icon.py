"""The window icon, from the PNGs shipped in app.resources (resources/icons/).

Read through importlib.resources, as the bundled recording is, so that the icon is found in a
wheel, a checkout and the PyInstaller bundle alike; every size goes into one QIcon so that the
desktop picks the sharp one for the title bar, the task switcher and the dock.
"""

from __future__ import annotations

from PySide6 import QtGui

from app.resources import ICON_SIZES, icon_png

DESKTOP_FILE_NAME = "scalpdesk"  # resources/scalpdesk.desktop, as installed by packaging/install.sh


def app_icon() -> QtGui.QIcon:
    icon = QtGui.QIcon()
    for size in ICON_SIZES:
        pixmap = QtGui.QPixmap()
        if pixmap.loadFromData(icon_png(size).read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    return icon
