"""The ladder's signal marker: a small glyph at the price cell's left edge, in its kind's colour.

▲ for an up read, ▼ for a down read, ◆ for none (the shape, not the colour, says the direction),
faded by its age (widgets/ladder/signal_rows.py). Drawn after the row's market cells, from the
same index the tests read: one dict look-up per painted row.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui

from widgets.base.signal_style import KIND_STYLE
from widgets.ladder.signal_rows import RowSignal

HALF_PX = 3.5
HEIGHT_PX = 7.0
MARKER_PX = 9  # room the marker takes at the price cell's left edge (paint.py widens the column)


def marker_polygon(x: float, y: float, row_px: float, side: int) -> QtGui.QPolygonF:
    """The glyph in a row whose top is `y`, its left edge at `x` (pixels)."""
    cx, cy = x + 2 + HALF_PX, y + row_px / 2
    h = HEIGHT_PX / 2
    if side > 0:
        pts = [(cx, cy - h), (cx + HALF_PX, cy + h), (cx - HALF_PX, cy + h)]
    elif side < 0:
        pts = [(cx, cy + h), (cx + HALF_PX, cy - h), (cx - HALF_PX, cy - h)]
    else:
        pts = [(cx, cy - h), (cx + HALF_PX, cy), (cx, cy + h), (cx - HALF_PX, cy)]
    return QtGui.QPolygonF([QtCore.QPointF(a, b) for a, b in pts])


def paint_signal_marker(
    p: QtGui.QPainter, mark: RowSignal, y: float, row_px: float, cols: dict[str, tuple[float, float]]
) -> None:
    cell = cols.get("price")
    if cell is None:
        return
    colour = QtGui.QColor(KIND_STYLE[mark.signal.kind].colour)
    colour.setAlpha(mark.alpha)
    p.save()
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    p.setPen(QtCore.Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawPolygon(marker_polygon(cell[0], y, row_px, mark.signal.side))
    p.restore()
