"""The DOM ladder's canvas: one QWidget that paints the whole grid with QPainter, only where it changed.

One widget and one paint for every cell (a text item per cell is ~50× slower; docs/ARCHITECTURE.md), and no
QGraphicsView: the ladder is a fixed pixel grid, so a plain widget skips the scene machinery and
gets the exact dirty region in `paintEvent`. Each frame the model says which rows changed; only
those row rects are marked for update, and a paint blits the cached background (header, stripes,
grid, plain price texts) and draws the cells of just those rows.

Column widths come from the font: each column is as wide as the widest text it can ever show
(`compact_qty` never exceeds "+999.999"; the price column fits the current price text), so a
number is never clipped. When the dock is narrower than that, optional columns are dropped in a
fixed order (`DROP_ORDER`) and the header tooltip says which; `sizeHint` is the width that shows
every enabled column.
"""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from widgets.base import palette
from widgets.base.cache import BoundedCache
from widgets.base.trip_marks import MarkKind, paint_ladder_tags
from widgets.ladder.columns import (
    ALL_COLUMNS,
    DEFAULT_PRICE_TEXT,
    FOOTER_LABEL,
    FOOTER_PX,
    HEADER_PX,
    HINT_ROWS,
    PAD_PX,
    ROW_PX,
    TIGHT_PAD_PX,
    TITLES,
    Column,
    enabled_columns,
    fit_columns,
)
from widgets.ladder.model import LadderModel, LadderRow
from widgets.ladder.orders import LadderOrders, RowOrders
from widgets.ladder.signal_paint import MARKER_PX, paint_signal_marker
from widgets.ladder.signal_rows import LadderSignals
from widgets.ladder.trading_paint import paint_trading_row

FONT_PX = 11
_WIDTH_CACHE_MAX = 4_000


class LadderCanvas(QtWidgets.QWidget):
    """Draws `model.rows` and `model.totals`; holds no market state of its own."""

    def __init__(
        self, model: LadderModel, orders: LadderOrders | None = None, parent: QtWidgets.QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.orders = orders if orders is not None else LadderOrders()
        self.signal_rows = LadderSignals()  # rows with a recent order-flow signal (the view updates it)
        self.ghost: tuple[int, RowOrders] | None = None  # (target row price, orders dragged) while dragging
        self.trip_tags: dict[int, tuple[MarkKind, ...]] = {}  # row price -> the reviewed trip's marks
        self.row_px = ROW_PX
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel is painted
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setMouseTracking(False)
        self.font_ = QtGui.QFont()
        self.font_.setPixelSize(FONT_PX)
        self.bold = QtGui.QFont(self.font_)
        self.bold.setBold(True)
        self._fm = QtGui.QFontMetricsF(self.font_)
        self._fm_bold = QtGui.QFontMetricsF(self.bold)
        self.baseline = (ROW_PX - (self._fm.ascent() + self._fm.descent())) / 2 + self._fm.ascent()
        self._widths: BoundedCache[str, float] = BoundedCache(_WIDTH_CACHE_MAX)
        self._widths_bold: BoundedCache[str, float] = BoundedCache(_WIDTH_CACHE_MAX)
        self.columns: list[tuple[Column, float, float]] = []  # (column, x, width) in pixels
        self._spans: dict[str, tuple[int, int]] = {}  # column key -> whole pixels [left, right) it covers
        self.dropped: tuple[str, ...] = ()  # keys of enabled columns left out for lack of width
        self.pad_px = PAD_PX  # the padding the current layout uses
        self._price_text = DEFAULT_PRICE_TEXT
        self._laid_out_for: tuple[object, ...] = ()
        self._strip_cache: dict[str, QtGui.QPixmap] = {}
        self._strips_key: tuple[object, ...] = ()
        self._layout()

    # -- layout ---------------------------------------------------------------------------------

    def text_width(self, text: str, bold: bool = False) -> float:
        """Advance of `text` in the ladder font (cached: the same few hundred strings recur)."""
        cache = self._widths_bold if bold else self._widths
        w = cache.get(text)
        if w is None:
            w = cache.put(text, (self._fm_bold if bold else self._fm).horizontalAdvance(text))
        return w

    def enabled_columns(self) -> list[Column]:
        return enabled_columns(self.model.settings)

    def min_width(self, column: Column, pad_px: int = PAD_PX) -> float:
        """The widest text the column can show, its title, or (price) the footer label, plus padding."""
        texts = [self.text_width(column.title)]
        texts += [self.text_width(t, column.bold) for t in column.samples]
        extra = 0
        if column.key == "price":
            texts += [self.text_width(self._price_text, True), self.text_width(FOOTER_LABEL)]
            extra = 2 * MARKER_PX  # the signal marker at the left edge, the text still centred
        return math.ceil(max(texts) + 2 * pad_px + 1 + extra)  # +1: the grid line on the left edge

    def sizeHint(self) -> QtCore.QSize:
        """Wide enough for every enabled column at its widest text."""
        width = sum(self.min_width(c) for c in self.enabled_columns())
        return QtCore.QSize(int(width), HEADER_PX + FOOTER_PX + HINT_ROWS * ROW_PX)

    def minimumSizeHint(self) -> QtCore.QSize:
        core = [c for c in ALL_COLUMNS if c.key in ("bid", "price", "ask")]
        width = sum(self.min_width(c, TIGHT_PAD_PX) for c in core)
        return QtCore.QSize(int(width), HEADER_PX + FOOTER_PX + ROW_PX)

    def _layout(self) -> None:
        layout = fit_columns(self.enabled_columns(), float(self.width()), self.min_width)
        self.pad_px = layout.pad_px
        self.columns = list(layout.columns)
        self._spans = {c.key: (math.floor(x), math.ceil(x + w)) for c, x, w in self.columns}
        dropped = layout.dropped
        self.dropped = dropped
        if dropped:
            names = ", ".join(dict.fromkeys(TITLES[k] for k in dropped))
            self.setToolTip(
                f"Hidden, the dock is too narrow: {names}. "
                f"Widen it to {self.sizeHint().width()} px to show them."
            )
        else:
            self.setToolTip("")
        self._laid_out_for = self._layout_key()

    def _layout_key(self) -> tuple[object, ...]:
        s = self.model.settings
        return (
            self.width(),
            len(self._price_text),
            s.show_pull_stack,
            s.show_recent_volume,
            s.show_session_volume,
        )

    def relayout(self) -> None:
        """Settings changed (columns on/off): lay out again and repaint everything."""
        self._layout()
        self.updateGeometry()
        self.update()

    # -- marking what changed -------------------------------------------------------------------

    def mark_changed(self) -> None:
        """After a model update: queue a repaint of the changed rows only.

        When the prices moved by whole rows (centring), the pixels already on screen are scrolled
        with them (QWidget.scroll: a blit in the backing store) and only the rows that came into
        view or changed are painted, instead of the whole ladder.
        """
        rows = self.model.rows
        if rows and len(rows[0].price_text) != len(self._price_text):
            self._price_text = rows[0].price_text  # more or fewer digits: the price column changes width
            self.updateGeometry()
        if self._layout_key() != self._laid_out_for:
            self._layout()
            self.update()
            return
        dirty = self.model.dirty_rows
        if len(dirty) >= len(rows):
            self.update()
            return
        width = self.width()
        shift = self.model.shift_rows
        if shift:
            self.scroll(0, shift * ROW_PX, QtCore.QRect(0, HEADER_PX, width, len(rows) * ROW_PX))
        cells = self.model.dirty_cells
        spans = self._spans
        update = self.update
        for i in dirty:
            y = HEADER_PX + i * ROW_PX
            keys = cells.get(i)
            if keys is None:
                update(0, y, width, ROW_PX)
                continue
            for key in keys:  # only the cells that changed (a hidden column has no span)
                span = spans.get(key)
                if span is not None:
                    update(span[0], y, span[1] - span[0], ROW_PX)
        if self.model.totals_dirty:
            self.update(0, HEADER_PX + len(rows) * ROW_PX, width, FOOTER_PX)

    def mark_prices(self, prices: frozenset[int] | None) -> None:
        """Queue a repaint of the rows at these prices (their orders or ghost changed); None: every row."""
        if prices is None:
            self.update()
            return
        width = self.width()
        for price in prices:
            i = self.row_index_of(price)
            if i is not None:
                self.update(0, HEADER_PX + i * ROW_PX, width, ROW_PX)

    # -- geometry of cells (mouse trading, tooltips, tests) ----------------------------------------

    def row_index_of(self, price_ticks: int) -> int | None:
        """Index of the visible row at `price_ticks`, None when it is not on screen."""
        rows = self.model.rows
        if not rows:
            return None
        g = self.model.settings.group_ticks
        i, off = divmod(rows[0].price_ticks - price_ticks, g)
        return i if not off and 0 <= i < len(rows) else None

    def cell_rect(self, price_ticks: int, key: str) -> QtCore.QRect | None:
        """The pixel rect of a row's cell in a column (None if the row or column is not shown)."""
        i = self.row_index_of(price_ticks)
        col = next(((x, w) for c, x, w in self.columns if c.key == key), None)
        if i is None or col is None:
            return None
        x, w = col
        return QtCore.QRect(math.ceil(x), HEADER_PX + i * ROW_PX, int(x + w) - math.ceil(x), ROW_PX)

    def column_at(self, x: float) -> str | None:
        for c, cx, w in self.columns:
            if cx <= x < cx + w:
                return c.key
        return None

    def row_at(self, y: float) -> LadderRow | None:
        """The row under a y pixel, None on the header, the footer or below."""
        rows = self.model.rows
        if y < HEADER_PX:
            return None
        i = int((y - HEADER_PX) // ROW_PX)
        return rows[i] if i < len(rows) else None

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        self._layout()
        super().resizeEvent(event)

    # -- painting -------------------------------------------------------------------------------

    def _strips(self) -> dict[str, QtGui.QPixmap]:
        """Pixmaps of what only a resize or a column change alters: header, the two row stripes
        with their grid lines, the footer (one blit per row instead of a fill and ten lines)."""
        key = (self.width(), self.devicePixelRatioF(), tuple((c.key, x, w) for c, x, w in self.columns))
        if key != self._strips_key:
            self._strip_cache = {
                "header": self._strip(HEADER_PX, palette.PANEL, header=True),
                "even": self._strip(ROW_PX, palette.BACKGROUND),
                "odd": self._strip(ROW_PX, palette.ROW_ALT),
                "footer": self._strip(FOOTER_PX, palette.PANEL, footer=True),
            }
            self._strips_key = key
        return self._strip_cache

    def _strip(
        self, height: int, fill: QtGui.QColor, *, header: bool = False, footer: bool = False
    ) -> QtGui.QPixmap:
        dpr = self.devicePixelRatioF()
        width = self.width()
        pixmap = QtGui.QPixmap(max(1, round(width * dpr)), max(1, round(height * dpr)))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(fill)
        p = QtGui.QPainter(pixmap)
        p.setFont(self.font_)
        if header:
            p.setPen(palette.TEXT_DIM)
            for c, x, w in self.columns:
                self.draw_text(p, (x, w), 0, c.title, align=0)
        p.setPen(QtGui.QPen(palette.GRID, 0))
        if not footer:
            for _, x, _w in self.columns[1:]:
                p.drawLine(QtCore.QLineF(x + 0.5, 0, x + 0.5, height))
        if header:
            p.drawLine(QtCore.QLineF(0, height - 0.5, width, height - 0.5))
        if footer:
            p.drawLine(QtCore.QLineF(0, 0.5, width, 0.5))
            price = next(((x, w) for c, x, w in self.columns if c.key == "price"), None)
            if price is not None:
                p.setPen(palette.TEXT_DIM)
                self.draw_text(p, price, 0, FOOTER_LABEL, align=0)
        p.end()
        return pixmap

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        rows = self.model.rows
        strips = self._strips()
        region = event.region()
        width = self.width()
        footer_top = HEADER_PX + len(rows) * ROW_PX
        p = QtGui.QPainter(self)
        p.setFont(self.font_)
        cols = {c.key: (x, w) for c, x, w in self.columns}
        bounds = region.boundingRect()
        if bounds.top() < HEADER_PX:
            p.drawPixmap(0, 0, strips["header"])
        g = self.model.settings.group_ticks
        whole = region.rectCount() == 1 and bounds.left() <= 0 and bounds.right() >= width - 1
        for i in self._rows_in(region, len(rows)):
            y = HEADER_PX + i * ROW_PX
            row = rows[i]
            # the stripe is clipped to the region; only the cells it touches are drawn again
            p.drawPixmap(0, y, strips["odd" if (row.price_ticks // g) % 2 else "even"])
            row_cols = (
                cols if whole else self._cols_in(region.intersected(QtCore.QRect(0, y, width, ROW_PX)), cols)
            )
            self._paint_row(p, row, y, row_cols)
            paint_trading_row(self, p, self.orders, price_ticks=row.price_ticks, y=y, cols=cols)
            mark = self.signal_rows.rows.get(row.price_ticks)
            if mark is not None:
                paint_signal_marker(p, mark, y, ROW_PX, cols)
            tags = self.trip_tags.get(row.price_ticks) if self.trip_tags else None
            if tags:
                paint_ladder_tags(
                    p, tags, y=y, row_px=ROW_PX, width=width, cols=cols, font_ascent=self._fm.ascent()
                )
        if bounds.bottom() >= footer_top and bounds.top() < footer_top + FOOTER_PX:
            p.drawPixmap(0, footer_top, strips["footer"])
            self._paint_footer(p, footer_top, cols)
        below = footer_top + FOOTER_PX
        if bounds.bottom() >= below:
            p.fillRect(QtCore.QRect(0, below, width, self.height() - below), palette.BACKGROUND)
        p.end()

    @staticmethod
    def _rows_in(region: QtGui.QRegion, count: int) -> list[int]:
        """Indices of the rows the region touches, top first (from its rects: a frame's region is a
        few cells far apart, and walking every row between them cost more than painting the cells)."""
        found: set[int] = set()
        for r in region:
            first = max(0, (r.top() - HEADER_PX) // ROW_PX)
            last = min(count - 1, (r.bottom() - HEADER_PX) // ROW_PX)
            found.update(range(first, last + 1))
        return sorted(found)

    def _cols_in(
        self, row_region: QtGui.QRegion, cols: dict[str, tuple[float, float]]
    ) -> dict[str, tuple[float, float]]:
        """The columns of `cols` whose pixels `row_region` (a part of one row) touches.

        A column's first pixel is left out: it holds only the grid line (from the stripe) or the
        neighbour's last fraction of a pixel, never the column's own bars or text (those start at
        x + 1 or later), so a neighbour's update does not redraw this column too.
        """
        parts = [(r.left(), r.right()) for r in row_region]
        spans = self._spans
        out = {}
        for key, cell in cols.items():
            left, right = spans[key]
            if any(a < right and b > left for a, b in parts):
                out[key] = cell
        return out

    def draw_text(
        self,
        p: QtGui.QPainter,
        cell: tuple[float, float],
        y: float,
        text: str,
        *,
        align: int,
        bold: bool = False,
    ) -> None:
        """Text at a baseline point (cheaper than rect + alignment); align -1 left, 0 centre, 1 right."""
        x, w = cell
        if align < 0:
            tx = x + self.pad_px
        else:
            tw = self.text_width(text, bold)
            tx = x + w - self.pad_px - tw if align > 0 else x + (w - tw) / 2
        if bold:
            p.setFont(self.bold)
            p.drawText(QtCore.QPointF(tx, y + self.baseline), text)
            p.setFont(self.font_)
        else:
            p.drawText(QtCore.QPointF(tx, y + self.baseline), text)

    def _paint_row(
        self, p: QtGui.QPainter, row: LadderRow, y: float, cols: dict[str, tuple[float, float]]
    ) -> None:
        h = ROW_PX
        rect = QtCore.QRectF
        scale = self.model.bar_scale_lots
        if "bid" in cols:
            x, w = cols["bid"]
            if row.bid_lots and scale:
                bar = (w - 2) * min(1.0, row.bid_lots / scale)
                p.fillRect(rect(x + w - bar, y + 2, bar, h - 4), palette.BUY_DIM)
            if row.bid_text:
                p.setPen(palette.BUY_STRONG if row.is_best_bid else palette.TEXT)
                self.draw_text(p, (x, w), y, row.bid_text, align=1, bold=row.is_best_bid)
        if "ask" in cols:
            x, w = cols["ask"]
            if row.ask_lots and scale:
                bar = (w - 2) * min(1.0, row.ask_lots / scale)
                p.fillRect(rect(x + 1.5, y + 2, bar, h - 4), palette.SELL_DIM)
            if row.ask_text:
                p.setPen(palette.SELL_STRONG if row.is_best_ask else palette.TEXT)
                self.draw_text(p, (x, w), y, row.ask_text, align=-1, bold=row.is_best_ask)
        inside = row.is_best_bid or row.is_best_ask
        if "price" in cols:
            x, w = cols["price"]
            if inside:  # the inside market: the price cell takes its side's colour
                p.fillRect(rect(x + 1, y, w - 1, h), palette.BUY_DIM if row.is_best_bid else palette.SELL_DIM)
            if row.is_last_trade:
                p.setPen(QtGui.QPen(palette.HIGHLIGHT, 0))
                p.drawRect(rect(x + 1.5, y + 0.5, w - 2, h - 1))
            p.setPen(palette.TEXT_BRIGHT if inside or row.is_last_trade else palette.TEXT)
            self.draw_text(p, (x, w), y, row.price_text, align=0, bold=inside)
        if row.sell_recent_text and "sell" in cols:
            x, w = cols["sell"]
            p.setPen(palette.SELL)
            self.draw_text(p, (x, w), y, row.sell_recent_text, align=1)
        if row.buy_recent_text and "buy" in cols:
            x, w = cols["buy"]
            p.setPen(palette.BUY)
            self.draw_text(p, (x, w), y, row.buy_recent_text, align=-1)
        if row.pull_stack_bid_text and "ps_bid" in cols:
            x, w = cols["ps_bid"]
            p.setPen(palette.PULL if row.pull_stack_bid_lots < 0 else palette.STACK)
            self.draw_text(p, (x, w), y, row.pull_stack_bid_text, align=1)
        if row.pull_stack_ask_text and "ps_ask" in cols:
            x, w = cols["ps_ask"]
            p.setPen(palette.PULL if row.pull_stack_ask_lots < 0 else palette.STACK)
            self.draw_text(p, (x, w), y, row.pull_stack_ask_text, align=-1)
        if row.session_text and "session" in cols:
            x, w = cols["session"]
            s_scale = self.model.session_scale_lots
            if s_scale:
                bar = (w - 2) * min(1.0, row.session_lots / s_scale)
                p.fillRect(rect(x + 1.5, y + 3, bar, h - 6), palette.GRID)
            p.setPen(palette.TEXT_DIM)
            self.draw_text(p, (x, w), y, row.session_text, align=-1)

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
                self.draw_text(p, (x, w), top, text, align=0)
