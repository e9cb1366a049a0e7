"""The trader's own fills and round trips drawn on a chart (footprint, CVD price pane), for review.

Each fill is a small triangle whose tip touches its price: a buy ▲ in the buy colour below the
price, a sell ▼ in the sell colour above it (shape and side differ, not colour alone). Each closed
round trip is a thin dashed line from its average entry to its average exit, teal dashes for a win
and red dash-dots for a loss, with its P&L in ticks at the exit (the sign in the text).

One item per chart, painted in device pixels (fixed-size marks at any zoom), all marks in one
paint. The marks are placed (data x) only when the account changes or the chart's bars do; each
paint then draws the slice of them inside the view, found by bisection (fills are in time order).
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.events import Side
from app.core.footprint import BarKind, FootprintSeries
from app.core.market import MarketState
from app.core.paper.orders import Fill
from app.core.paper.snapshot import RoundTrip
from app.core.units import NS_PER_S
from widgets.base import palette
from widgets.base.fmt import ticks_text

TRIANGLE_HALF_PX = 6.0
TRIANGLE_H_PX = 10.0
WIN = palette.STACK
LOSS = palette.PULL


@dataclass(frozen=True, slots=True)
class FillMark:
    """One fill as drawn: x in the chart's own unit (bar number or seconds), y = its price in ticks."""

    x: float
    price_ticks: int
    side: Side
    ts_ns: int
    order_id: int
    qty_lots: int


@dataclass(frozen=True, slots=True)
class TripLine:
    """One closed round trip as drawn: average entry to average exit (prices in fractional ticks)."""

    trip_id: int
    x0: float
    price0_ticks: float
    x1: float
    price1_ticks: float
    win: bool
    label: str


def fill_marks(fills: Sequence[Fill], x_of: Callable[[int], float | None]) -> list[FillMark]:
    """Marks for the fills the chart can place (`x_of` None: before the chart's first bar)."""
    out = []
    for f in fills:
        x = x_of(f.ts_ns)
        if x is not None:
            out.append(FillMark(x, f.price_ticks, f.side, f.ts_ns, f.order_id, f.qty_lots))
    out.sort(key=lambda m: m.x)
    return out


def trip_lines(trips: Sequence[RoundTrip], x_of: Callable[[int], float | None]) -> list[TripLine]:
    out = []
    for t in trips:
        x0, x1 = x_of(t.entry_ns), x_of(t.exit_ns)
        if x0 is None or x1 is None:
            continue
        out.append(
            TripLine(
                t.trip_id,
                x0,
                t.entry_price_ticks,
                x1,
                t.exit_price_ticks,
                t.net_quote > 0,
                ticks_text(t.pnl_ticks),
            )
        )
    return out


def exchange_offset_ns(market: MarketState | None) -> int:
    """Exchange time − local receive time of the newest print (0 without prints).

    Fills are stamped with the receive time (the paper exchange lives on the user's clock) while
    bars are keyed by exchange time; the two clocks differ by the feed latency (−1.27 s on the
    bundled recording), which would put a fill near a bar boundary into the wrong bar.
    """
    if market is None:
        return 0
    newest = market.tape.last(1)
    return int(newest.exchange_ns[0] - newest.receive_ns[0]) if newest.size else 0


def seconds_x(ts_ns: int) -> float:
    """The CVD chart's x: seconds since the epoch (its bars are centred in their period)."""
    return ts_ns / NS_PER_S


def footprint_x(series: FootprintSeries, ts_ns: int) -> float | None:
    """The footprint's x of a time: the number of the bar holding it, plus where in the bar it falls.

    A time bar holds [period start, + size); a tick or volume bar runs from its first trade to the
    next bar's start (the open bar: to its last trade). The mark sits within the middle 80 % of the
    column, left to right in time, so that several fills of one bar at one price do not hide each
    other. None before the first bar the series still holds.
    """
    bars = series.bars
    k = bisect_right(bars, ts_ns, key=lambda b: b.period_start_ns) - 1
    if k < 0:
        return None
    bar = bars[k]
    if series.spec.kind is BarKind.TIME:
        frac = (ts_ns - bar.period_start_ns) / series.spec.size
    else:
        end = bars[k + 1].period_start_ns if k + 1 < len(bars) else max(bar.end_ns, ts_ns)
        frac = (ts_ns - bar.start_ns) / (end - bar.start_ns) if end > bar.start_ns else 0.5
    return series.dropped_count + k - 0.4 + 0.8 * min(1.0, max(0.0, frac))


def clip_segment(
    a: QtCore.QPointF, b: QtCore.QPointF, rect: QtCore.QRectF
) -> tuple[QtCore.QPointF, QtCore.QPointF] | None:
    """The part of a..b inside `rect` (Liang–Barsky), None if it misses."""
    x0, y0, dx, dy = a.x(), a.y(), b.x() - a.x(), b.y() - a.y()
    t0, t1 = 0.0, 1.0
    for p_, q_ in (
        (-dx, x0 - rect.left()),
        (dx, rect.right() - x0),
        (-dy, y0 - rect.top()),
        (dy, rect.bottom() - y0),
    ):
        if p_ == 0:
            if q_ < 0:
                return None
            continue
        t = q_ / p_
        if p_ < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return QtCore.QPointF(x0 + t0 * dx, y0 + t0 * dy), QtCore.QPointF(x0 + t1 * dx, y0 + t1 * dy)


class FillMarksItem(pg.GraphicsObject):  # type: ignore[misc]
    """Covers its view and draws the fills and trips inside it.

    `y_offset` puts a price where the chart draws it (the footprint's tick rows span p..p+1, so
    their middle is p + 0.5; the CVD's candles sit on p). `bottom_px` is a strip at the bottom the
    marks keep off (the footprint's statistics rows).
    """

    def __init__(self, y_offset: float = 0.0, bottom_px: Callable[[], int] | None = None) -> None:
        super().__init__()
        self.y_offset = y_offset
        self._bottom_px = bottom_px
        self._fills: list[FillMark] = []
        self._fill_xs: list[float] = []
        self._trips: list[TripLine] = []
        self._placed: tuple[object, object] | None = None  # the account tuples the marks come from
        self._hidden_from_ns: int | None = None  # the first fill left out as not reached yet
        self._visible: tuple[tuple[float, ...], list[FillMark], list[TripLine]] | None = None
        self._drawing: _Drawing | None = None
        self._buy_brush = QtGui.QBrush(palette.BUY)
        self._sell_brush = QtGui.QBrush(palette.SELL)
        self.setZValue(30)  # over the bars and their statistics, under nothing
        # exposedRect: a live frame repaints the open bar's column only, and so can this item
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def place(
        self,
        fills: Sequence[Fill],
        trips: Sequence[RoundTrip],
        x_of: Callable[[int], float | None],
        *,
        moved: bool = False,
        until_ns: int | None = None,
    ) -> bool:
        """Marks for an account's fills and trips; True if they changed.

        `until_ns`: the market's time (receive clock, as the fills). Fills after it — the account
        remembers trades a replay that went back has not reached again — are left out until the
        market reaches them (`due`).

        The account is re-published on every price move while a position is open, with the same
        fills and trips tuples: those cost nothing here. `moved`: the chart's time axis changed
        (new bars, a rebuild), so the same fills sit elsewhere.
        """
        if (
            not moved
            and self._placed is not None
            and self._placed[0] is fills
            and self._placed[1] is trips
            and not self.due(until_ns)
        ):
            return False
        self._placed = (fills, trips)
        self._hidden_from_ns = None
        if until_ns is not None:  # after a seek back: what the replay has not reached yet waits
            later = [f.ts_ns for f in fills if f.ts_ns > until_ns]
            if later:
                self._hidden_from_ns = min(later)
                fills = [f for f in fills if f.ts_ns <= until_ns]
                trips = [t for t in trips if t.exit_ns <= until_ns]
        return self.set_marks(fill_marks(fills, x_of), trip_lines(trips, x_of))

    def due(self, now_ns: int | None) -> bool:
        """True when the market has reached a fill that `place` held back (one test a frame)."""
        return now_ns is not None and self._hidden_from_ns is not None and now_ns >= self._hidden_from_ns

    def invalidate(self) -> None:
        """The chart's time axis changed: the next `place` recomputes every mark."""
        self._placed = None

    def set_marks(self, fills: Sequence[FillMark], trips: Sequence[TripLine]) -> bool:
        """Replace the marks; True (and a repaint) only if they changed."""
        fills, trips = list(fills), list(trips)
        if fills == self._fills and trips == self._trips:
            return False
        self._fills, self._trips = fills, trips
        self._fill_xs = [m.x for m in fills]
        self._visible = None
        self._drawing = None
        self.update()
        return True

    def all_marks(self) -> tuple[list[FillMark], list[TripLine]]:
        return list(self._fills), list(self._trips)

    def marks(self) -> list[FillMark]:
        """The fills inside the view: what the paint draws."""
        return list(self._in_view()[1])

    def trip_lines(self) -> list[TripLine]:
        return list(self._in_view()[2])

    # -- QGraphicsItem -------------------------------------------------------------------------

    def boundingRect(self) -> QtCore.QRectF:
        rect = self._view_rect()
        return QtCore.QRectF() if rect is None else rect

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        super().viewRangeChanged()

    def _view_rect(self) -> QtCore.QRectF | None:
        """The ViewBox's range now (the item's own viewRect() lags a range change until a paint)."""
        vb = self.getViewBox()
        return None if vb is None else vb.viewRect()

    def _in_view(self) -> tuple[tuple[float, ...], list[FillMark], list[TripLine]]:
        view = self._view_rect()
        if view is None:
            return (), [], []
        key = (view.left(), view.top(), view.width(), view.height())
        if self._visible is not None and self._visible[0] == key:
            return self._visible
        x0, x1 = view.left(), view.right()
        lo, hi = view.top() - self.y_offset - 1, view.bottom() - self.y_offset + 1  # y up: top is low
        i0, i1 = bisect_left(self._fill_xs, x0), bisect_right(self._fill_xs, x1)
        fills = [m for m in self._fills[i0:i1] if lo <= m.price_ticks <= hi]
        trips = [
            t
            for t in self._trips
            if t.x1 >= x0
            and t.x0 <= x1
            and max(t.price0_ticks, t.price1_ticks) >= lo
            and min(t.price0_ticks, t.price1_ticks) <= hi
        ]
        self._visible = (key, fills, trips)
        return self._visible

    def paint(self, p: QtGui.QPainter, option: Any, *_: Any) -> None:
        key, fills, trips = self._in_view()
        if not fills and not trips:
            return
        tr = p.transform()  # item → device (the world transform: a window grab's offset once)
        bottom = self._bottom_px() if self._bottom_px is not None else 0
        dkey = (key, tr.m11(), tr.m22(), tr.m31(), tr.m32(), bottom)
        drawing = self._drawing
        if drawing is None or drawing.key != dkey:
            area = tr.mapRect(self._view_rect() or QtCore.QRectF()).normalized()
            clip = QtCore.QRectF(area.left(), area.top(), area.width(), max(0.0, area.height() - bottom))
            drawing = self._drawing = _build_drawing(
                dkey, tr, clip, fills=fills, trips=trips, y_offset=self.y_offset
            )
        # a live frame exposes only the open bar's column: stroke and draw only what lies in it
        exposed = option.exposedRect if option is not None else None
        region = drawing.clip
        if exposed is not None and not exposed.isEmpty():
            region = region.intersected(tr.mapRect(exposed).normalized().adjusted(-1, -1, 1, 1))
        if not region.intersects(drawing.bounds):
            return  # a live column with none of the marks in it
        full = region == drawing.clip
        p.save()
        try:
            p.resetTransform()
            p.setClipRect(drawing.clip, QtCore.Qt.ClipOperation.IntersectClip)
            for a, b, pen in drawing.trips:
                if full:
                    p.setPen(pen)
                    p.drawLine(a, b)
                    continue
                seg = clip_segment(a, b, region)
                if seg is not None:
                    part = QtGui.QPen(pen)  # the dashes continue where the whole line has them
                    part.setDashOffset(pen.dashOffset() + math.hypot(seg[0].x() - a.x(), seg[0].y() - a.y()))
                    p.setPen(part)
                    p.drawLine(*seg)
            for pos, text, colour in drawing.labels:
                if full or region.intersects(QtCore.QRectF(pos, text.size())):
                    p.setPen(colour)
                    p.drawStaticText(pos, text)
            p.setPen(QtGui.QPen(palette.TEXT_BRIGHT, 0))  # a light rim: clear on cells of its own colour
            for brush, path in ((self._buy_brush, drawing.buys), (self._sell_brush, drawing.sells)):
                if not path.isEmpty() and (full or region.intersects(path.boundingRect())):
                    p.setBrush(brush)
                    p.drawPath(path)
        finally:
            p.restore()


_WIN_STYLE = QtCore.Qt.PenStyle.DashLine
_LOSS_STYLE = QtCore.Qt.PenStyle.DashDotLine
_LABEL_FONT = QtGui.QFont()
_LABEL_FONT.setPixelSize(10)


@functools.lru_cache(maxsize=2048)
def _static(text: str) -> QtGui.QStaticText:
    """A label laid out once (the same few P&L texts recur on every frame)."""
    st = QtGui.QStaticText(text)
    st.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    st.prepare(QtGui.QTransform(), _LABEL_FONT)
    return st


@dataclass(frozen=True, slots=True)
class _Drawing:
    """Everything the paint draws, in device pixels, for one view and one item → device transform."""

    key: tuple[Any, ...]
    clip: QtCore.QRectF
    trips: list[tuple[QtCore.QPointF, QtCore.QPointF, QtGui.QPen]]  # the part in view, its dashed pen
    labels: list[tuple[QtCore.QPointF, QtGui.QStaticText, QtGui.QColor]]
    buys: QtGui.QPainterPath  # every buy triangle: one fill call
    sells: QtGui.QPainterPath
    bounds: QtCore.QRectF  # of everything above


def _build_drawing(
    key: tuple[Any, ...],
    tr: QtGui.QTransform,
    clip: QtCore.QRectF,
    *,
    fills: list[FillMark],
    trips: list[TripLine],
    y_offset: float,
) -> _Drawing:
    """Trip lines are cut to the view first: Qt strokes a dash pattern along the whole line, clipped
    or not, and a trip that started hours of bars ago would cost milliseconds a paint."""
    lines: list[tuple[QtCore.QPointF, QtCore.QPointF, QtGui.QPen]] = []
    labels: list[tuple[QtCore.QPointF, QtGui.QStaticText, QtGui.QColor]] = []
    bounds = clip.adjusted(-2, -2, 2, 2)
    for t in trips:
        a = tr.map(QtCore.QPointF(t.x0, t.price0_ticks + y_offset))
        b = tr.map(QtCore.QPointF(t.x1, t.price1_ticks + y_offset))
        seg = clip_segment(a, b, bounds)
        if seg is not None:
            pen = QtGui.QPen(WIN if t.win else LOSS, 0, _WIN_STYLE if t.win else _LOSS_STYLE)
            pen.setDashOffset(math.hypot(seg[0].x() - a.x(), seg[0].y() - a.y()))
            lines.append((seg[0], seg[1], pen))
        if clip.contains(b):
            st = _static(t.label)
            pos = QtCore.QPointF(round(b.x() + TRIANGLE_HALF_PX + 3), round(b.y() - st.size().height() / 2))
            labels.append((pos, st, WIN if t.win else LOSS))
    buys, sells = QtGui.QPainterPath(), QtGui.QPainterPath()
    h, half = TRIANGLE_H_PX, TRIANGLE_HALF_PX
    for m in fills:
        pt = tr.map(QtCore.QPointF(m.x, m.price_ticks + y_offset))
        x, y = round(pt.x()), round(pt.y())
        d = h if m.side is Side.BUY else -h  # ▲ below the price, ▼ above (device y grows downwards)
        tri = [QtCore.QPointF(x, y), QtCore.QPointF(x - half, y + d), QtCore.QPointF(x + half, y + d)]
        (buys if m.side is Side.BUY else sells).addPolygon(QtGui.QPolygonF([*tri, tri[0]]))
    bounds = buys.boundingRect().united(sells.boundingRect())
    for a, b, _pen in lines:
        bounds = bounds.united(QtCore.QRectF(a, b).normalized().adjusted(-1, -1, 1, 1))
    for pos, st, _colour in labels:
        bounds = bounds.united(QtCore.QRectF(pos, st.size()))
    return _Drawing(key, clip, lines, labels, buys, sells, bounds)
