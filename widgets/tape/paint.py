"""The one graphics item that draws the whole time and sales grid with QPainter.

One item, one paint, every text drawn at a point (one TextItem per cell is ~50× slower; docs/ARCHITECTURE.md).
Coordinates are pixels, y down (the view has no ViewBox, so no flipped axis and no negative rects).
The item draws only what `TapeFrame` holds, which is exactly what the view's model exposes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QPointF, QRectF

from widgets.base import palette
from widgets.tape.model import TapeRow

_PAD = 6.0  # left/right margin, px
_RowKey = tuple[int, int, int, str, str, float, bool, int, float]


@dataclass(frozen=True, slots=True)
class TapeFrame:
    """Everything one paint needs."""

    rows: Sequence[TapeRow]
    show_millis: bool
    paused: bool
    new_while_paused: int
    status_text: str  # shown when there are no rows (no market, nothing passes the filter)
    mode_text: str


@dataclass(frozen=True, slots=True)
class _Columns:
    """x positions (px). Left-aligned columns start at their x; right-aligned ones end there."""

    time_x: float
    side_x: float
    price_right: float
    size_right: float
    prints_x: float
    sweep_x: float


class TapeItem(QtWidgets.QGraphicsObject):
    """Header, rows and the paused notice of the tape, painted in one pass."""

    def __init__(self, frame: Callable[[], TapeFrame]) -> None:
        super().__init__()
        self._frame = frame
        self._size = QtCore.QSizeF(300, 400)
        self._bounds = QRectF(0, 0, 300, 400)
        self.font = QtGui.QFont("DejaVu Sans Mono")
        self.font.setStyleHint(QtGui.QFont.StyleHint.TypeWriter)
        self.font.setPointSizeF(9.0)
        self.bold = QtGui.QFont(self.font)
        self.bold.setBold(True)
        metrics = QtGui.QFontMetricsF(self.font)
        self._char_w = metrics.horizontalAdvance("0")
        self._ascent = metrics.ascent()
        self.row_h = float(round(metrics.height() + 3))
        self.header_h = self.row_h + 2
        self._metrics = metrics
        self._bold_metrics = QtGui.QFontMetricsF(self.bold)
        self._row_pixmaps: dict[_RowKey, QtGui.QPixmap] = {}
        self._cols: _Columns | None = None
        # the view repaints only the rows a frame changed (widgets/tape/row_shift.py): paint the
        # exposed rows only, not every row clipped away
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    # -- geometry --------------------------------------------------------------------------

    def set_size(self, width: float, height: float) -> None:
        if width != self._size.width() or height != self._size.height():
            self.prepareGeometryChange()
            self._size = QtCore.QSizeF(width, height)
            self._bounds = QRectF(0, 0, width, height)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def rows_that_fit(self) -> int:
        return max(1, int((self._size.height() - self.header_h) // self.row_h))

    def banner_rect(self) -> QRectF:
        """Where the paused notice is drawn (over the header): clicking it resumes."""
        return QRectF(0, 0, self._size.width(), self.header_h)

    def column_spans(self) -> dict[str, tuple[float, float]] | None:
        """x ranges (item px, left to right) of the time and price columns as last painted; None
        before the first paint. For whatever lies over the tape (a drill's masks)."""
        cols = self._cols
        if cols is None:
            return None
        price_left = cols.side_x + self._char_w * 5  # "SELL" and a space, then the price
        return {"time": (cols.time_x, cols.side_x), "price": (price_left, cols.price_right)}

    def _columns(self, frame: TapeFrame) -> _Columns:
        """Columns as narrow as the texts on screen allow, so a slim dock still shows every one.

        Price and size widths follow the widest visible text, with floors that cover the usual
        range (sizes up to 99.999), so the columns do not jitter as rows scroll by.
        """
        cw = self._char_w
        price_chars = max([7, *(len(r.price_text) for r in frame.rows)])
        size_chars = max([6, *(len(r.size_text) for r in frame.rows)])
        time_x = _PAD
        side_x = time_x + cw * ((12 if frame.show_millis else 8) + 2)
        price_right = side_x + cw * (4 + 1 + price_chars)
        size_right = price_right + cw * (1 + size_chars)
        prints_x = size_right + cw * 1.5
        sweep_x = prints_x + cw * 4.5
        return _Columns(time_x, side_x, price_right, size_right, prints_x, sweep_x)

    # -- painting --------------------------------------------------------------------------

    def paint(
        self,
        painter: QtGui.QPainter,
        option: QtWidgets.QStyleOptionGraphicsItem,
        widget: QtWidgets.QWidget | None = None,
    ) -> None:
        frame = self._frame()
        width = self._size.width()
        exposed = option.exposedRect.intersected(self.boundingRect())
        painter.fillRect(exposed, palette.BACKGROUND)
        painter.setFont(self.font)
        cols = self._columns(frame)
        if cols != self._cols:  # row pixmaps hold the old layout
            self._row_pixmaps = {}
            self._cols = cols
        if exposed.top() < self.header_h:
            self._paint_header(painter, frame, cols, width)
        if not frame.rows:
            painter.setPen(palette.TEXT_DIM)
            painter.drawText(QPointF(_PAD, self.header_h + self.row_h + self._ascent), frame.status_text)
            return
        # Rows are painted once into pixmaps and blitted: live, every frame shifts the rows down by
        # the few new ones, so all but those come from the cache (one drawPixmap instead of ~6
        # drawText + fillRect). Keyed by content, so a row still growing is re-rendered; the cache
        # keeps just the rows of the last paint, so it stays as small as the screen.
        device = painter.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        row_w = max(1, int(width))
        cache: dict[_RowKey, QtGui.QPixmap] = {}
        row_h = self.row_h
        first = max(0, int((exposed.top() - self.header_h) // row_h))
        last = min(len(frame.rows) - 1, int((exposed.bottom() - self.header_h) // row_h))
        y = self.header_h + first * row_h  # whole pixels (row_h and header_h are): the integer blit
        draw = painter.drawPixmap
        for row in frame.rows[first : last + 1]:
            # Everything a row's pixels depend on (hashing the whole dataclass costs 2 µs a row).
            key = (row.row_id, row.qty_lots, row.prints, row.price_text, row.time_text, row.intensity,
                   row.highlighted, row_w, dpr)  # fmt: skip
            pixmap = self._row_pixmaps.get(key) or self._render_row(row, cols, row_w, dpr)
            cache[key] = pixmap
            draw(0, int(y), pixmap)
            y += row_h
        if len(self._row_pixmaps) > 4 * max(len(frame.rows), 25):
            self._row_pixmaps = cache  # the rows of this paint (the screen's, when it was all of it)
        else:
            self._row_pixmaps.update(cache)

    def columns_for(self, frame: TapeFrame) -> _Columns:
        """The columns `frame` would be painted with (the view repaints all rows when they move)."""
        return self._columns(frame)

    @property
    def painted_columns(self) -> _Columns | None:
        return self._cols

    def _render_row(self, row: TapeRow, cols: _Columns, width: int, dpr: float) -> QtGui.QPixmap:
        pixmap = QtGui.QPixmap(round(width * dpr), round((self.row_h - 1) * dpr))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(palette.BACKGROUND)
        painter = QtGui.QPainter(pixmap)
        painter.setFont(self.bold if row.highlighted else self.font)
        self._paint_row(painter, row, cols, 0.0, float(width))
        painter.end()
        return pixmap

    def _paint_header(self, painter: QtGui.QPainter, frame: TapeFrame, cols: _Columns, width: float) -> None:
        rect = self.banner_rect()
        if frame.paused:
            painter.fillRect(rect, palette.HIGHLIGHT)
            painter.setPen(palette.BACKGROUND)
            text = f"PAUSED — {frame.new_while_paused} new · click or Home to resume"
            painter.drawText(QPointF(_PAD, self._baseline(0, self.header_h)), text)
            return
        painter.fillRect(rect, palette.PANEL)
        painter.setPen(palette.GRID)
        painter.drawLine(QPointF(0, self.header_h - 0.5), QPointF(width, self.header_h - 0.5))
        painter.setPen(palette.TEXT_DIM)
        y = self._baseline(0, self.header_h)
        painter.drawText(QPointF(cols.time_x, y), "Time (UTC)")
        painter.drawText(QPointF(cols.side_x, y), "Side")
        self._draw_right(painter, cols.price_right, y, "Price", self._metrics)
        self._draw_right(painter, cols.size_right, y, "Size", self._metrics)
        painter.drawText(QPointF(cols.prints_x, y), "#")
        mode_w = self._metrics.horizontalAdvance(frame.mode_text)
        if width - mode_w - _PAD > cols.prints_x + self._char_w * 4:
            painter.drawText(QPointF(width - mode_w - _PAD, y), frame.mode_text)

    def _paint_row(
        self, painter: QtGui.QPainter, row: TapeRow, cols: _Columns, y: float, width: float
    ) -> None:
        buy = row.side > 0
        base = palette.LIQUIDATION if row.liquidation else palette.BUY if buy else palette.SELL
        fill = QtGui.QColor(base)
        fill.setAlpha(150 if row.highlighted else 110 if row.liquidation else int(14 + 100 * row.intensity))
        painter.fillRect(QRectF(0, y, width, self.row_h - 1), fill)
        if row.liquidation:  # never colour alone: "LIQ" in the # column and a violet edge
            painter.fillRect(QRectF(0, y, 3, self.row_h - 1), palette.LIQUIDATION)
        if row.highlighted:  # never colour alone: bold text and a yellow edge mark a large print
            painter.fillRect(QRectF(0, y, 3, self.row_h - 1), palette.HIGHLIGHT)
        metrics = self._bold_metrics if row.highlighted else self._metrics
        baseline = self._baseline(y, self.row_h - 1)
        strong = (
            palette.TEXT_BRIGHT if row.highlighted else (palette.BUY_STRONG if buy else palette.SELL_STRONG)
        )
        painter.setPen(palette.TEXT_BRIGHT if row.highlighted else palette.TEXT_DIM)
        painter.drawText(QPointF(cols.time_x, baseline), row.time_text)
        painter.setPen(strong)
        painter.drawText(QPointF(cols.side_x, baseline), row.side_text)
        self._draw_right(painter, cols.price_right, baseline, row.price_text, metrics)
        painter.setPen(palette.HIGHLIGHT if row.highlighted else palette.TEXT_BRIGHT)
        self._draw_right(painter, cols.size_right, baseline, row.size_text, metrics)
        if row.prints_text or row.sweep_text:
            painter.setPen(palette.TEXT if row.highlighted else palette.TEXT_DIM)
            if row.prints_text:
                painter.drawText(QPointF(cols.prints_x, baseline), row.prints_text)
            if row.sweep_text:
                painter.drawText(QPointF(cols.sweep_x, baseline), row.sweep_text)

    def _baseline(self, top: float, height: float) -> float:
        return top + (height - self._metrics.height()) / 2 + self._ascent

    @staticmethod
    def _draw_right(
        painter: QtGui.QPainter, right: float, y: float, text: str, metrics: QtGui.QFontMetricsF
    ) -> None:
        painter.drawText(QPointF(right - metrics.horizontalAdvance(text), y), text)
