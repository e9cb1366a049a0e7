"""The base of the chart overlays (bars, marks, profile strips): an item as big as its view."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore


class ViewCoveringItem(pg.GraphicsObject):  # type: ignore[misc]
    """An item whose bounds are its view's rect: new data never changes its geometry, so adding
    marks costs no scene re-index, and a paint draws only what is inside the view."""

    def boundingRect(self) -> QtCore.QRectF:
        rect = self.viewRect()
        return QtCore.QRectF() if rect is None else rect

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        super().viewRangeChanged()
