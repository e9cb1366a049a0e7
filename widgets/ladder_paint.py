"""The DOM ladder's one graphics item: the whole grid painted with QPainter in pixel coordinates.

One item and one paint for every cell (QT_NOTES §7: a text item per cell is ~50× slower). The
scene of the hosting pyqtgraph GraphicsView maps 1:1 to widget pixels (autoPixelRange), y down,
so every rect here has a positive height. Only non-empty cells draw text: most traded-volume and
pulling/stacking cells are empty at any moment.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets

from widgets import palette
from widgets.ladder_model import LadderModel, LadderRow

ROW_PX = 17
HEADER_PX = 18
FOOTER_PX = 18
FONT_PX = 11
_PAD_PX = 4

_CENTER = int(QtCore.Qt.AlignmentFlag.AlignCenter)
_RIGHT = int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    weight: float


# Left to right. "orders" and "position" are reserved, empty for now: the order-entry issue
# fills "orders" with the user's working orders and queue-ahead estimate at their price, and
# "position" with the position's average-price marker and P&L per tick row (FEATURES.md).
ALL_COLUMNS = (
    Column("orders", "Orders", 1.0),
    Column("ps_bid", "P/S", 1.0),
    Column("bid", "Bid", 1.25),
    Column("sell", "Sells", 1.0),
    Column("price", "Price", 1.35),
    Column("buy", "Buys", 1.0),
    Column("ask", "Ask", 1.25),
    Column("ps_ask", "P/S", 1.0),
    Column("session", "Volume", 1.1),
    Column("position", "Pos", 0.9),
)


def rows_for_height(height_px: int) -> int:
    return max(1, (height_px - HEADER_PX - FOOTER_PX) // ROW_PX)


class LadderItem(QtWidgets.QGraphicsObject):
    """Draws `model.rows` and `model.totals`; holds no market state of its own."""

    def __init__(self, model: LadderModel) -> None:
        super().__init__()
        self.model = model
        self._rect = QtCore.QRectF(0, 0, 100, 100)
        self.font = QtGui.QFont()
        self.font.setPixelSize(FONT_PX)
        self.bold = QtGui.QFont(self.font)
        self.bold.setBold(True)
        self.columns: list[tuple[Column, float, float]] = []  # (column, x, width) in pixels
        self._background = QtGui.QPixmap()
        self._background_key: tuple[object, ...] = ()
        self._layout()

    def set_size(self, width_px: float, height_px: float) -> None:
        self.prepareGeometryChange()
        self._rect = QtCore.QRectF(0, 0, max(1.0, width_px), max(1.0, height_px))
        self._layout()
        self.update()

    def _layout(self) -> None:
        s = self.model.settings
        hidden = set()
        if not s.show_pull_stack:
            hidden |= {"ps_bid", "ps_ask"}
        if not s.show_recent_volume:
            hidden |= {"buy", "sell"}
        if not s.show_session_volume:
            hidden.add("session")
        cols = [c for c in ALL_COLUMNS if c.key not in hidden]
        unit = self._rect.width() / sum(c.weight for c in cols)
        x = 0.0
        self.columns = []
        for c in cols:
            self.columns.append((c, x, c.weight * unit))
            x += c.weight * unit

    def relayout(self) -> None:
        self._layout()
        self.update()

    def column_at(self, x_px: float) -> str | None:
        for c, x, w in self.columns:
            if x <= x_px < x + w:
                return c.key
        return None

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(
        self,
        p: QtGui.QPainter,
        option: QtWidgets.QStyleOptionGraphicsItem,
        widget: QtWidgets.QWidget | None = None,
    ) -> None:
        rows = self.model.rows
        dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        g = self.model.settings.group_ticks
        key = (
            self._rect.width(),
            self._rect.height(),
            dpr,
            g,
            tuple(c.key for c, _, _ in self.columns),
            tuple(r.price_ticks for r in rows[:1]),
            len(rows),
        )
        if key != self._background_key:
            self._background = self._render_background(rows, dpr)
            self._background_key = key
        p.drawPixmap(QtCore.QPointF(0, 0), self._background)
        p.setFont(self.font)
        max_size = max((max(r.bid_lots, r.ask_lots) for r in rows), default=0)
        max_session = max((r.session_lots for r in rows), default=0)
        cols = {c.key: (x, w) for c, x, w in self.columns}
        for i, row in enumerate(rows):
            y = HEADER_PX + i * ROW_PX
            self._paint_row(p, row, y=y, cols=cols, max_size=max_size, max_session=max_session)
        self._paint_footer(p, HEADER_PX + len(rows) * ROW_PX, cols)

    def _render_background(self, rows: tuple[LadderRow, ...], dpr: float) -> QtGui.QPixmap:
        """What changes only when the ladder scrolls or resizes: header, stripes, grid, price texts.

        Cached as a pixmap so that a frame draws only the cells that move (sizes, volume, P/S).
        """
        rect = self._rect
        pixmap = QtGui.QPixmap(max(1, round(rect.width() * dpr)), max(1, round(rect.height() * dpr)))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(palette.BACKGROUND)
        p = QtGui.QPainter(pixmap)
        p.setFont(self.font)
        width = rect.width()
        body_bottom = HEADER_PX + len(rows) * ROW_PX
        self._paint_header(p, width)
        price_x, price_w = next((x, w) for c, x, w in self.columns if c.key == "price")
        p.setPen(palette.TEXT)
        for i, row in enumerate(rows):
            y = HEADER_PX + i * ROW_PX
            p.fillRect(QtCore.QRectF(0, y, width, ROW_PX), self._row_colour(row))
            p.drawText(QtCore.QRectF(price_x, y, price_w, ROW_PX), _CENTER, row.price_text)
        p.setPen(QtGui.QPen(palette.GRID, 0))
        for _, x, _w in self.columns[1:]:
            p.drawLine(QtCore.QLineF(x, 0, x, body_bottom))
        p.drawLine(QtCore.QLineF(0, HEADER_PX - 0.5, width, HEADER_PX - 0.5))
        p.fillRect(QtCore.QRectF(0, body_bottom, width, FOOTER_PX), palette.PANEL)
        p.drawLine(QtCore.QLineF(0, body_bottom + 0.5, width, body_bottom + 0.5))
        p.setPen(palette.TEXT_DIM)
        p.drawText(QtCore.QRectF(price_x, body_bottom, price_w, FOOTER_PX), _CENTER, "Σ visible")
        p.end()
        return pixmap

    def _row_colour(self, row: LadderRow) -> QtGui.QColor:
        """Stripes follow prices, so they scroll with them."""
        return (
            palette.ROW_ALT
            if (row.price_ticks // self.model.settings.group_ticks) % 2
            else palette.BACKGROUND
        )

    def _paint_header(self, p: QtGui.QPainter, width: float) -> None:
        p.fillRect(QtCore.QRectF(0, 0, width, HEADER_PX), palette.PANEL)
        p.setPen(palette.TEXT_DIM)
        for c, x, w in self.columns:
            p.drawText(QtCore.QRectF(x, 0, w, HEADER_PX), _CENTER, c.title)

    def _paint_row(
        self,
        p: QtGui.QPainter,
        row: LadderRow,
        *,
        y: float,
        cols: dict[str, tuple[float, float]],
        max_size: int,
        max_session: int,
    ) -> None:
        h = ROW_PX
        rect = QtCore.QRectF
        if "bid" in cols:
            x, w = cols["bid"]
            if row.bid_lots and max_size:
                bar = (w - 2) * row.bid_lots / max_size
                p.fillRect(rect(x + w - 1 - bar, y + 2, bar, h - 4), palette.BUY_DIM)
            if row.bid_text:
                p.setPen(palette.BUY_STRONG if row.is_best_bid else palette.TEXT)
                self._text(p, rect(x + _PAD_PX, y, w - 2 * _PAD_PX, h), _RIGHT, row.bid_text, row.is_best_bid)
        if "ask" in cols:
            x, w = cols["ask"]
            if row.ask_lots and max_size:
                bar = (w - 2) * row.ask_lots / max_size
                p.fillRect(rect(x + 1, y + 2, bar, h - 4), palette.SELL_DIM)
            if row.ask_text:
                p.setPen(palette.SELL_STRONG if row.is_best_ask else palette.TEXT)
                self._text(p, rect(x + _PAD_PX, y, w - 2 * _PAD_PX, h), _LEFT, row.ask_text, row.is_best_ask)
        inside = row.is_best_bid or row.is_best_ask
        if inside or row.is_last_trade:  # over the cached plain price text: repaint the cell
            x, w = cols["price"]
            cell = rect(x + 1, y, w - 1, h)
            p.fillRect(cell, self._row_colour(row))
            if inside:  # the inside market: the price cell takes its side's colour
                p.fillRect(cell, palette.BUY_DIM if row.is_best_bid else palette.SELL_DIM)
            if row.is_last_trade:
                p.setPen(QtGui.QPen(palette.HIGHLIGHT, 0))
                p.drawRect(rect(x + 1.5, y + 0.5, w - 3, h - 1))
            p.setPen(palette.TEXT_BRIGHT)
            self._text(p, rect(x, y, w, h), _CENTER, row.price_text, inside)
        if "sell" in cols and row.sell_recent_text:
            x, w = cols["sell"]
            p.setPen(palette.SELL)
            p.drawText(rect(x + _PAD_PX, y, w - 2 * _PAD_PX, h), _RIGHT, row.sell_recent_text)
        if "buy" in cols and row.buy_recent_text:
            x, w = cols["buy"]
            p.setPen(palette.BUY)
            p.drawText(rect(x + _PAD_PX, y, w - 2 * _PAD_PX, h), _LEFT, row.buy_recent_text)
        if "ps_bid" in cols and row.pull_stack_bid_text:
            x, w = cols["ps_bid"]
            p.setPen(palette.PULL if row.pull_stack_bid_lots < 0 else palette.STACK)
            p.drawText(rect(x + _PAD_PX, y, w - 2 * _PAD_PX, h), _RIGHT, row.pull_stack_bid_text)
        if "ps_ask" in cols and row.pull_stack_ask_text:
            x, w = cols["ps_ask"]
            p.setPen(palette.PULL if row.pull_stack_ask_lots < 0 else palette.STACK)
            p.drawText(rect(x + _PAD_PX, y, w - 2 * _PAD_PX, h), _LEFT, row.pull_stack_ask_text)
        if "session" in cols and row.session_text:
            x, w = cols["session"]
            if max_session:
                p.fillRect(rect(x + 1, y + 3, (w - 2) * row.session_lots / max_session, h - 6), palette.GRID)
            p.setPen(palette.TEXT_DIM)
            p.drawText(rect(x + _PAD_PX, y, w - 2 * _PAD_PX, h), _LEFT, row.session_text)

    def _text(self, p: QtGui.QPainter, rect: QtCore.QRectF, align: int, text: str, bold: bool) -> None:
        """Sizes at the inside market are bold (the pen is set by the caller)."""
        if bold:
            p.setFont(self.bold)
            p.drawText(rect, align, text)
            p.setFont(self.font)
        else:
            p.drawText(rect, align, text)

    def _paint_footer(self, p: QtGui.QPainter, top: float, cols: dict[str, tuple[float, float]]) -> None:
        t = self.model.totals
        cells = (
            ("ps_bid", t.pull_stack_bid_text, palette.PULL if t.pull_stack_bid_lots < 0 else palette.STACK),
            ("ps_ask", t.pull_stack_ask_text, palette.PULL if t.pull_stack_ask_lots < 0 else palette.STACK),
            ("sell", t.sell_recent_text, palette.SELL),
            ("buy", t.buy_recent_text, palette.BUY),
        )
        for key, text, colour in cells:
            if key in cols and text:
                x, w = cols[key]
                p.setPen(colour)
                p.drawText(QtCore.QRectF(x, top, w, FOOTER_PX), _CENTER, text)
