"""The application's dark theme: Qt palette and pyqtgraph defaults from widgets/palette.py.

Fusion style so the look is the same on every desktop; a dark, low-contrast chrome so that the
data (blue buys, orange sells, yellow highlights) is the brightest thing on screen for hours.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from widgets.base import palette


def apply_theme(app: QtWidgets.QApplication) -> None:
    """Call once, before any view is created (pyqtgraph reads its options at construction)."""
    pg.setConfigOptions(
        background=palette.BACKGROUND, foreground=palette.TEXT, antialias=False, useOpenGL=False
    )
    app.setStyle("Fusion")
    qp = QtGui.QPalette()
    role = QtGui.QPalette.ColorRole
    qp.setColor(role.Window, palette.PANEL)
    qp.setColor(role.WindowText, palette.TEXT)
    qp.setColor(role.Base, palette.BACKGROUND)
    qp.setColor(role.AlternateBase, palette.ROW_ALT)
    qp.setColor(role.Text, palette.TEXT)
    qp.setColor(role.Button, palette.PANEL)
    qp.setColor(role.ButtonText, palette.TEXT)
    qp.setColor(role.BrightText, palette.TEXT_BRIGHT)
    qp.setColor(role.ToolTipBase, palette.PANEL)
    qp.setColor(role.ToolTipText, palette.TEXT)
    qp.setColor(role.Highlight, palette.GRID.lighter(160))
    qp.setColor(role.HighlightedText, palette.TEXT_BRIGHT)
    qp.setColor(role.PlaceholderText, palette.TEXT_DIM)
    qp.setColor(QtGui.QPalette.ColorGroup.Disabled, role.Text, palette.TEXT_DIM)
    qp.setColor(QtGui.QPalette.ColorGroup.Disabled, role.ButtonText, palette.TEXT_DIM)
    app.setPalette(qp)
    app.setStyleSheet(
        f"""
        QMainWindow::separator {{ background: {palette.GRID.name()}; width: 3px; height: 3px; }}
        QDockWidget::title {{ background: {palette.ROW_ALT.name()}; padding: 3px 6px; }}
        QStatusBar QLabel {{ padding: 0 6px; }}
        QLabel#notice {{ color: {palette.HIGHLIGHT.name()}; }}
        """
    )
