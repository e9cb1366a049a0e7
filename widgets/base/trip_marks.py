"""The round trip under review drawn on a chart (footprint, CVD price pane) and tagged on the ladder.

A review (Trades view → Review) replays the trip's recording from a little before its entry,
slowly; these marks say where the trade went in: the entry (a ring ○ in yellow, labelled
"entry"), the exit (a square □ in white, "exit") and the bracket legs that were working, each
price a leg worked at as a dashed level for as long as it worked (stop loss red "SL", take profit
teal "TP"). Shape and text differ, not colour alone. On a chart the marks appear as the replay
reaches them (a mark after the chart's newest data has no bar to sit in yet); the ladder tags the
rows of all four prices at once, since it has no time axis.

It follows fill_marks.py: marks are placed (data x) only when the review, the bars or the
market change, and one item paints them all in device pixels (fixed size at any zoom). A review
is one trip: a handful of marks, so the paint draws all of them, clipped to the view.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6 import QtCore, QtGui

from app.core.market import MarketState
from app.core.paper.orders import OrderRole
from app.core.paper.trip_review import TripReview
from widgets.base import palette
from widgets.base.fill_marks import clip_segment, exchange_offset_ns
from widgets.base.view_covering import ViewCoveringItem

MARKER_R_PX = 7.0
_LABEL_FONT = QtGui.QFont()
_LABEL_FONT.setPixelSize(10)


class MarkKind(Enum):
    ENTRY = "entry"
    EXIT = "exit"
    STOP = "SL"
    TARGET = "TP"

    @property
    def colour(self) -> QtGui.QColor:
        return _COLOURS[self]


_COLOURS = {
    MarkKind.ENTRY: palette.HIGHLIGHT,
    MarkKind.EXIT: palette.TEXT_BRIGHT,
    MarkKind.STOP: palette.PULL,
    MarkKind.TARGET: palette.STACK,
}
_LEG_KIND = {OrderRole.STOP_LOSS: MarkKind.STOP, OrderRole.TAKE_PROFIT: MarkKind.TARGET}


@dataclass(frozen=True, slots=True)
class TripPoint:
    """The entry or the exit as drawn: x in the chart's unit, y its (average) price in ticks."""

    kind: MarkKind
    x: float
    price_ticks: float


@dataclass(frozen=True, slots=True)
class TripLevel:
    """A bracket leg's price over the stretch it worked, as drawn."""

    kind: MarkKind
    x0: float
    x1: float
    price_ticks: int


def place_trip(
    review: TripReview | None,
    x_of: Callable[[int], float | None],
    now_ns: int | None,
    bar_end: Callable[[float], float] | None = None,
) -> tuple[list[TripPoint], list[TripLevel]]:
    """The marks a chart can place now: `x_of(receive ns)` gives its x (None: no bar for it);
    `now_ns` (receive time of the newest data; None: all of it) hides what has not happened yet
    and ends a level still working at the newest data — at `bar_end` of that x, the end of the
    chart's bar holding it, so that the marks change once a bar while the replay plays (a level
    growing every frame would repaint the whole chart every frame)."""
    if review is None:
        return [], []
    trip = review.trip
    points = []
    for kind, ts_ns, price in (
        (MarkKind.ENTRY, trip.entry_ns, trip.entry_price_ticks),
        (MarkKind.EXIT, trip.exit_ns, trip.exit_price_ticks),
    ):
        x = x_of(ts_ns) if now_ns is None or ts_ns <= now_ns else None
        if x is not None:
            points.append(TripPoint(kind, x, price))
    levels = []
    for span in review.legs:
        if now_ns is not None and span.from_ns > now_ns:
            continue
        working = now_ns is not None and span.to_ns > now_ns
        x0, x1 = x_of(span.from_ns), x_of(now_ns if working and now_ns is not None else span.to_ns)
        if working and x1 is not None and bar_end is not None:
            x1 = bar_end(x1)
        if x0 is not None and x1 is not None:
            levels.append(TripLevel(_LEG_KIND[span.role], x0, x1, span.price_ticks))
    return points, levels


def ladder_tags(review: TripReview | None, row_of: Callable[[float], int]) -> dict[int, tuple[MarkKind, ...]]:
    """Row price -> the marks on that row (entry, exit, every stop and target price), in that order.

    `row_of` maps a price in (fractional) ticks to the ladder row holding it (its grouping)."""
    if review is None:
        return {}
    trip = review.trip
    prices: list[tuple[MarkKind, float]] = [
        (MarkKind.ENTRY, trip.entry_price_ticks),
        (MarkKind.EXIT, trip.exit_price_ticks),
    ]
    for role, kind in _LEG_KIND.items():
        prices += [(kind, p) for p in review.leg_prices(role)]
    tags: dict[int, tuple[MarkKind, ...]] = {}
    for kind, price in prices:
        row = row_of(price)
        if kind not in tags.get(row, ()):
            tags[row] = (*tags.get(row, ()), kind)
    return tags


class TripMarksItem(ViewCoveringItem):
    """Covers its view and draws the reviewed trip inside it (`y_offset` and `bottom_px`, the strip
    the marks keep off, as in FillMarksItem)."""

    def __init__(self, y_offset: float = 0.0, bottom_px: Callable[[], int] | None = None) -> None:
        super().__init__()
        self.y_offset = y_offset
        self._bottom_px = bottom_px
        self.review: TripReview | None = None
        self._points: list[TripPoint] = []
        self._levels: list[TripLevel] = []
        self.setZValue(31)  # over the fill marks: the trade under review is the point

    def set_marks(self, points: list[TripPoint], levels: list[TripLevel]) -> bool:
        """Replace the marks; True (and a repaint) only if they changed."""
        if points == self._points and levels == self._levels:
            return False
        self._points, self._levels = list(points), list(levels)
        self.update()
        return True

    def points(self) -> list[TripPoint]:
        return list(self._points)

    def levels(self) -> list[TripLevel]:
        return list(self._levels)

    # -- QGraphicsItem -------------------------------------------------------------------------

    def paint(self, p: QtGui.QPainter, *_: Any) -> None:
        if not self._points and not self._levels:
            return
        vb = self.getViewBox()
        if vb is None:
            return
        tr = p.transform()
        area = tr.mapRect(vb.viewRect()).normalized()
        bottom = self._bottom_px() if self._bottom_px is not None else 0
        clip = QtCore.QRectF(area.left(), area.top(), area.width(), max(0.0, area.height() - bottom))
        p.save()
        try:
            p.resetTransform()
            p.setClipRect(clip, QtCore.Qt.ClipOperation.IntersectClip)
            p.setFont(_LABEL_FONT)
            for level in self._levels:
                a = tr.map(QtCore.QPointF(level.x0, level.price_ticks + self.y_offset))
                b = tr.map(QtCore.QPointF(level.x1, level.price_ticks + self.y_offset))
                seg = clip_segment(a, b, clip)
                if seg is None:
                    continue
                p.setPen(QtGui.QPen(level.kind.colour, 1.5, QtCore.Qt.PenStyle.DashLine))
                p.drawLine(*seg)
                p.drawText(QtCore.QPointF(seg[0].x() + 2, seg[0].y() - 3), level.kind.value)
            for point in self._points:
                c = tr.map(QtCore.QPointF(point.x, point.price_ticks + self.y_offset))
                if not clip.adjusted(-MARKER_R_PX, -MARKER_R_PX, MARKER_R_PX, MARKER_R_PX).contains(c):
                    continue
                colour = point.kind.colour
                p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
                p.setPen(QtGui.QPen(palette.BACKGROUND, 4))  # a dark halo: clear on busy cells
                self._marker(p, point.kind, c)
                p.setPen(QtGui.QPen(colour, 2))
                self._marker(p, point.kind, c)
                self._label(p, point.kind, c)
        finally:
            p.restore()

    @staticmethod
    def _label(p: QtGui.QPainter, kind: MarkKind, c: QtCore.QPointF) -> None:
        """The entry's name above-left of its ring, the exit's below-right: a short trip's two
        marks overlap, their names do not."""
        r = MARKER_R_PX
        if kind is MarkKind.ENTRY:
            tw = QtGui.QFontMetricsF(_LABEL_FONT).horizontalAdvance(kind.value)
            p.drawText(QtCore.QPointF(c.x() - r - 2 - tw, c.y() - r - 2), kind.value)
        else:
            p.drawText(QtCore.QPointF(c.x() + r + 2, c.y() + r + 10), kind.value)

    @staticmethod
    def _marker(p: QtGui.QPainter, kind: MarkKind, c: QtCore.QPointF) -> None:
        r = MARKER_R_PX
        if kind is MarkKind.ENTRY:
            p.drawEllipse(c, r, r)
        else:
            p.drawRect(QtCore.QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))


def row_price_of(group_ticks: int) -> Callable[[float], int]:
    """The ladder row nearest a (fractional, average) price at a grouping: the row it is tagged on."""

    def row_of(price_ticks: float) -> int:
        return math.floor(price_ticks / group_ticks + 0.5) * group_ticks

    return row_of


def newest_receive_ns(market: MarketState | None) -> int | None:
    """Receive time of the newest print: how far the replay has got (None before any print)."""
    if market is None or not market.tape.total:
        return None
    return int(market.tape.last(1).receive_ns[0])


def review_offset_ns(review: TripReview | None, market: MarketState | None) -> int:
    """Exchange − receive time for the trip's marks: as journaled at its entry, else the market's now."""
    stamp = review.entry_stamp if review is not None else None
    if stamp is not None and stamp.exchange_offset_ns is not None:
        return stamp.exchange_offset_ns
    return exchange_offset_ns(market)


def paint_ladder_tags(
    p: QtGui.QPainter,
    kinds: tuple[MarkKind, ...],
    *,
    y: float,
    row_px: float,
    width: float,
    cols: dict[str, tuple[float, float]],
    font_ascent: float,
) -> None:
    """One ladder row's review tags: a dashed frame across the ladder in the first mark's colour,
    a stripe per mark at the left of the price cell, and the marks' names in the Orders column
    (right-aligned, clear of the order badges on its left)."""
    first = kinds[0].colour
    p.setPen(QtGui.QPen(first, 0, QtCore.Qt.PenStyle.DashLine))
    p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    p.drawRect(QtCore.QRectF(0.5, y + 0.5, width - 1, row_px - 1))
    price = cols.get("price")
    if price is not None:
        for i, kind in enumerate(kinds):
            p.fillRect(QtCore.QRectF(price[0] + 1 + 3 * i, y + 1, 3, row_px - 2), kind.colour)
    text = " ".join(k.value for k in kinds)
    cell = cols.get("orders")
    if cell is None:  # a narrow dock dropped it: the frame and the stripes still say it
        return
    x, w = cell
    tw = QtGui.QFontMetricsF(p.font()).horizontalAdvance(text)
    p.setPen(first)
    p.drawText(QtCore.QPointF(x + w - 4 - tw, y + (row_px + font_ascent) / 2 - 1), text)
