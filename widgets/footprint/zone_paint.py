"""The footprint's zones (stacked imbalances, naked POCs) as device-pixel drawing operations.

Laid out once per (zones, geometry) and then only drawn: the paint keeps the naked zones' ops
across frames and a frame that moved nothing but the open bar does not walk them again.
"""

from __future__ import annotations

from PySide6 import QtCore, QtGui

from app.core.footprint_view_model import Zone
from widgets.base import palette
from widgets.footprint.cells_paint import Geo
from widgets.footprint.settings import FootprintSettings

ZoneOp = tuple[QtCore.QRectF, QtCore.QRectF, QtGui.QPen, QtCore.QPointF, QtCore.QPointF, QtGui.QColor | None]


def zone_ops(
    zones: tuple[Zone, ...], s: FootprintSettings, geo: Geo, view: QtCore.QRectF, area: QtCore.QRect
) -> list[ZoneOp]:
    """What drawing `zones` takes, in device pixels: (what it may touch, bounds, pen, line from,
    line to, fill)."""
    right_edge = float(area.right())
    out: list[ZoneOp] = []
    for z in zones:
        if (z.side == 0 and not s.show_naked_poc) or (z.side != 0 and not s.show_stacked):
            continue
        if z.high_ticks + 1 < view.top() or z.low_ticks > view.bottom():
            continue
        x0 = geo.x(z.start_index + 0.46)
        x1 = geo.x(z.end_index) if z.end_index is not None else right_edge
        if x1 < area.left() or x0 > area.right() or x1 - x0 < 2:
            continue
        y0, y1 = geo.y(z.high_ticks + 1), geo.y(z.low_ticks)
        if z.side == 0:
            y = (y0 + y1) / 2
            pen = QtGui.QPen(palette.HIGHLIGHT, 0, QtCore.Qt.PenStyle.DashLine)
            a, b = QtCore.QPointF(x0, y), QtCore.QPointF(x1, y)
            bounds = QtCore.QRectF(x0, y, x1 - x0, 0)
            out.append((bounds.adjusted(-1, -2, 1, 2), bounds, pen, a, b, None))
        else:
            color = QtGui.QColor(palette.BUY_STRONG if z.side > 0 else palette.SELL_STRONG)
            fill = QtGui.QColor(color)
            fill.setAlpha(40)
            rect = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0).normalized()
            cull = rect.adjusted(-1, -1, 1, 1)  # the edge lines fall on the rows at its edges
            out.append((cull, rect, QtGui.QPen(color, 0), rect.topLeft(), rect.topRight(), fill))
    return out


def draw_zone_ops(p: QtGui.QPainter, ops: list[ZoneOp], exposed: QtCore.QRectF | None) -> None:
    """Draw the ops that can touch `exposed` (all when None), in order."""
    for cull, bounds, pen, a, b, fill in ops:
        if exposed is not None and not exposed.intersects(cull):
            continue
        if fill is not None:
            p.fillRect(bounds, fill)
        p.setPen(pen)
        p.drawLine(a, b)
        if fill is not None:
            p.drawLine(bounds.bottomLeft(), bounds.bottomRight())
