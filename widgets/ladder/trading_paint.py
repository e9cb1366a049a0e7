"""Painting of the ladder's trading cells: own orders, the position column, the AVG line, the drag ghost.

Called by `LadderCanvas` for each row it paints, after the market cells, from the same
`LadderOrders` index the tests read (a dict look-up per row: orders are indexed once per account
change, not per paint).

Working orders are filled badges in their side's colour (they are real and at the exchange);
orders still travelling are dim badges with "…" so the trader sees the key was taken. The
queue-ahead estimate follows in dim text and is the first thing left out when the column is narrow.
"""

from __future__ import annotations

from typing import Protocol

from PySide6 import QtCore, QtGui

from app.core.events import Side
from widgets.base import palette
from widgets.ladder.orders import LadderOrders, RowOrders


class RowCanvas(Protocol):
    """What these cells need of the canvas painting them (widgets.ladder.paint.LadderCanvas)."""

    row_px: float
    pad_px: float
    baseline: float
    ghost: tuple[int, RowOrders] | None

    def width(self) -> int: ...

    def text_width(self, text: str, bold: bool = False) -> float: ...

    def draw_text(
        self,
        p: QtGui.QPainter,
        cell: tuple[float, float],
        y: float,
        text: str,
        *,
        align: int,
        bold: bool = False,
    ) -> None: ...


BADGE_PAD_PX = 3
_GAP_PX = 4

_AVG_PEN = {
    Side.BUY: QtGui.QPen(palette.BUY, 0),
    Side.SELL: QtGui.QPen(palette.SELL, 0),
}
_GHOST_PEN = QtGui.QPen(palette.HIGHLIGHT, 0, QtCore.Qt.PenStyle.DashLine)


def _side_colours(side: Side, pending: bool) -> tuple[QtGui.QColor, QtGui.QColor]:
    """(badge fill, text colour)."""
    if pending:
        return (palette.BUY_DIM if side is Side.BUY else palette.SELL_DIM), palette.TEXT
    return (palette.BUY if side is Side.BUY else palette.SELL), palette.BACKGROUND


def orders_width(canvas: RowCanvas, cell: RowOrders, with_queue: bool) -> float:
    w = 0.0
    for g in cell.groups:
        w += canvas.text_width(g.text) + 2 * BADGE_PAD_PX + _GAP_PX
        if with_queue and g.queue_text:
            w += canvas.text_width(g.queue_text) + _GAP_PX
    return w - _GAP_PX if w else 0.0


def paint_orders_cell(
    canvas: RowCanvas,
    p: QtGui.QPainter,
    cell: RowOrders,
    cell_xw: tuple[float, float],
    y: float,
    *,
    ghost: bool = False,
) -> None:
    """Badges left to right; queue texts only if everything fits; clipped to the column otherwise."""
    x, w = cell_xw
    h = canvas.row_px
    room = w - 2 * canvas.pad_px
    with_queue = not ghost and orders_width(canvas, cell, True) <= room  # a moved order queues anew
    clip = not with_queue and orders_width(canvas, cell, False) > room
    if clip:
        p.save()
        p.setClipRect(QtCore.QRectF(x + 1, y, w - 1, h))
    tx = x + canvas.pad_px
    for g in cell.groups:
        tw = canvas.text_width(g.text)
        badge = QtCore.QRectF(tx - 0.5, y + 2.5, tw + 2 * BADGE_PAD_PX, h - 5)
        if ghost:
            p.setPen(_GHOST_PEN)
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            p.drawRect(badge)
            p.setPen(palette.HIGHLIGHT)
        else:
            fill, text = _side_colours(g.side, g.pending)
            p.fillRect(badge, fill)
            p.setPen(text)
        p.drawText(QtCore.QPointF(tx + BADGE_PAD_PX, y + canvas.baseline), g.text)
        tx += tw + 2 * BADGE_PAD_PX + _GAP_PX
        if with_queue and g.queue_text:
            p.setPen(palette.TEXT_DIM)
            p.drawText(QtCore.QPointF(tx, y + canvas.baseline), g.queue_text)
            tx += canvas.text_width(g.queue_text) + _GAP_PX
    if clip:
        p.restore()


def paint_trading_row(
    canvas: RowCanvas,
    p: QtGui.QPainter,
    orders: LadderOrders,
    *,
    price_ticks: int,
    y: float,
    cols: dict[str, tuple[float, float]],
) -> None:
    """The orders and position cells of one row, the AVG line and the drag ghost if on this row."""
    if orders.rows and "orders" in cols:
        cell = orders.rows.get(price_ticks)
        if cell is not None:
            paint_orders_cell(canvas, p, cell, cols["orders"], y)
    ghost = canvas.ghost
    if ghost is not None and ghost[0] == price_ticks:
        h = canvas.row_px
        p.setPen(_GHOST_PEN)
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        p.drawRect(QtCore.QRectF(0.5, y + 0.5, canvas.width() - 1, h - 1))
        if "orders" in cols:
            paint_orders_cell(canvas, p, ghost[1], cols["orders"], y, ghost=True)
    if orders.avg_price_ticks is None:
        return
    pos = orders.position_at(price_ticks)
    if pos is None:
        return
    side = Side.BUY if orders.position_lots > 0 else Side.SELL
    if pos.is_avg:  # a side-coloured line along both edges of the row, across the whole ladder
        p.setPen(_AVG_PEN[side])
        width = canvas.width()
        p.drawLine(QtCore.QLineF(0, y + 0.5, width, y + 0.5))
        p.drawLine(QtCore.QLineF(0, y + canvas.row_px - 0.5, width, y + canvas.row_px - 0.5))
    if "position" not in cols:
        return
    x, w = cols["position"]
    if pos.is_avg:
        tw = canvas.text_width(pos.text, True)
        left = x + w - canvas.pad_px - tw - 2 * BADGE_PAD_PX
        badge = QtCore.QRectF(left, y + 2.5, tw + 2 * BADGE_PAD_PX, canvas.row_px - 5)
        p.fillRect(badge, palette.BUY if side is Side.BUY else palette.SELL)
        p.setPen(palette.BACKGROUND)
        canvas.draw_text(p, (x, w - BADGE_PAD_PX), y, pos.text, align=1, bold=True)
        return
    p.setPen(palette.TEXT if pos.pnl_ticks >= 0 else palette.TEXT_DIM)
    canvas.draw_text(p, (x, w), y, pos.text, align=1)
