"""The open bar's column kept as pixels between frames, redrawn only where its rows changed.

A frame at 10x replay adds a few prints to the open bar: one or two cells change their numbers,
perhaps the POC or the value area's edge moves by a row. Drawing the whole column again (every
visible cell's texts, marks, background) was most of a frame's footprint cost. So the item keeps
the column's pixels (`OpenColumn.pixmap`: the closed bars' bands, the live zones and the open
bar, exactly as the paint composes them) and, while the geometry, the bands and the zones are
unchanged, redraws only the rows whose drawn state changed, the candle, and the strip right of
the cells when the bar's own zones changed. Anything else (a new high or low, a new colour
scale for most rows, a range move) draws the column again in full.

Each damaged rect is drawn with the painter clipped to it by the same calls that draw the whole
column, so its pixels are those of a full redraw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6 import QtCore, QtGui

from app.core.footprint_view_model import BarAnalysis, Zone

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
_SPILL_PX = 2  # a cell's text and outline reach this far beyond its row's edges
_MOST = 0.5  # more than this share of rows changed: draw it all (one pass is cheaper)


@dataclass(frozen=True, slots=True)
class RowState:
    """What the paint draws in each group of the open bar, top (highest group) first: its colour,
    sizes, imbalance flags, value-area and POC membership; two equal states draw the same pixels."""

    top_ticks: int
    bottom_ticks: int
    table: I64  # (groups, 7)
    candle: tuple[int, int, int, int]  # open, high, low, close


def row_state(a: BarAnalysis, colours: U32) -> RowState:
    """The drawn state of every group of `a` (`colours`: its cell image, one pixel a group)."""
    g = a.group_ticks
    prices = a.price_ticks
    top, bottom = int(prices[-1]), int(prices[0])
    n = colours.shape[0]
    rows = (top - prices) // g
    table = np.zeros((n, 7), dtype=np.int64)
    table[:, 0] = colours
    table[rows, 1] = a.buy_lots
    table[rows, 2] = a.sell_lots
    table[rows, 3] = a.buy_imbalance
    table[rows, 4] = a.sell_imbalance
    keys = top - np.arange(n, dtype=np.int64) * g
    va_lo, va_hi = a.value_area
    table[:, 5] = (keys >= va_lo) & (keys <= va_hi)
    table[:, 6] = keys == a.poc_ticks
    return RowState(top, bottom, table, (a.open_ticks, a.high_ticks, a.low_ticks, a.close_ticks))


def changed_groups(old: RowState, new: RowState, group_ticks: int) -> I64 | None:
    """Group keys whose drawn state differs, or None when the column must be drawn in full (its
    price range changed: the cell image is then scaled over other rows)."""
    if (old.top_ticks, old.bottom_ticks) != (new.top_ticks, new.bottom_ticks):
        return None
    diff = np.flatnonzero((old.table != new.table).any(axis=1))
    if diff.shape[0] > _MOST * new.table.shape[0]:
        return None
    return new.top_ticks - diff.astype(np.int64) * group_ticks


def row_bands(
    low_ticks: I64, high_ticks: I64, sy: float, dy: float, column: QtCore.QRect, *, merge_px: int = 0
) -> list[QtCore.QRect]:
    """The device rows (with the text spill) of the price spans low_ticks[i]..high_ticks[i]
    (exclusive top) inside `column`, merged where they touch or lie within `merge_px` of each
    other (one pass over a few more rows costs less than a second pass)."""
    bands: list[QtCore.QRect] = []
    top_px = np.floor(sy * high_ticks + dy).astype(np.int64) - _SPILL_PX
    bottom_px = np.ceil(sy * low_ticks + dy).astype(np.int64) + _SPILL_PX
    order = np.argsort(top_px)
    lo_edge, hi_edge = column.top(), column.bottom()
    start = end = None
    for i in order.tolist():
        t, b = max(int(top_px[i]), lo_edge), min(int(bottom_px[i]), hi_edge)
        if t > b:
            continue
        if start is not None and end is not None and t <= end + 1 + merge_px:
            end = max(end, b)
            continue
        if start is not None and end is not None:
            bands.append(QtCore.QRect(column.left(), start, column.width(), end - start + 1))
        start, end = t, b
    if start is not None and end is not None:
        bands.append(QtCore.QRect(column.left(), start, column.width(), end - start + 1))
    return bands


def candle_span(old: tuple[int, int, int, int], new: tuple[int, int, int, int]) -> tuple[int, int] | None:
    """The raw-tick span (exclusive top) where the candle's pixels can differ, or None if equal:
    the body's moving end, the whole body when its colour flips, a moved wick end."""
    if old == new:
        return None
    (o1, h1, l1, c1), (o2, h2, l2, c2) = old, new
    prices = [c1, c2]
    if (c1 >= o1) != (c2 >= o2) or o1 != o2:
        prices += [o1, o2]
    if h1 != h2:
        prices += [h1, h2]
    if l1 != l2:
        prices += [l1, l2]
    return min(prices), max(prices) + 1


def zone_spans(zones: Sequence[Zone]) -> tuple[I64, I64]:
    """The price spans (exclusive top) a list of zones is drawn over."""
    return (
        np.array([z.low_ticks for z in zones], dtype=np.int64),
        np.array([z.high_ticks + 1 for z in zones], dtype=np.int64),
    )


Compose = Callable[[QtGui.QPainter, QtCore.QRect], None]


class OpenColumn:
    """The open bar's column as pixels, for one `key` (geometry, bands, zones, settings)."""

    __slots__ = ("dy", "key", "own", "pixmap", "rect", "state")

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.dy = 0.0  # where price 0 sat (device y) when the pixels were drawn
        self.rect = QtCore.QRect()
        self.pixmap: QtGui.QPixmap | None = None
        self.state: RowState | None = None
        self.own: Sequence[Zone] = ()

    def invalidate(self) -> None:
        self.key = None
        self.pixmap = None
        self.state = None

    def update(
        self,
        key: tuple[Any, ...],
        rect: QtCore.QRect,
        state: RowState,
        *,
        dy: float,
        own: Sequence[Zone],
        damage: Callable[[RowState, RowState, bool], list[QtCore.QRect]],
        compose: Compose,
    ) -> int:
        """Bring the pixels up to date; `damage(old, new, own_changed)` names the rects to draw
        again (an empty list: nothing), `compose(painter, clip)` draws a rect of the column in
        device pixels. Returns how many rects were drawn (0: the pixels were current).

        A chart that followed the price by whole pixels (`dy` moved by an integer) moves the
        pixels instead, and draws the rows that came into view, as the closed bars' bands do."""
        full = self.pixmap is None or self.state is None or key != self.key or rect != self.rect
        rects: list[QtCore.QRect] = []
        shift = round(dy - self.dy)
        if not full and (abs(dy - self.dy - shift) > 1e-6 or abs(shift) + 2 * _SPILL_PX >= rect.height()):
            full = True
        if not full:
            assert self.state is not None and self.pixmap is not None
            rects = damage(self.state, state, tuple(own) != tuple(self.own))
            full = bool(rects) and rects[0].isNull()  # a null rect: draw it all
            if not full and shift:
                self.pixmap.scroll(0, shift, self.pixmap.rect())
                edge = rect.top() if shift > 0 else rect.bottom() + 1 + shift
                rows = abs(shift) + _SPILL_PX  # and a margin: the rows that came into view
                rects.append(
                    QtCore.QRect(rect.left(), edge - (0 if shift > 0 else _SPILL_PX), rect.width(), rows)
                )
                rects = [r.intersected(rect) for r in rects]
            if not full and len(rects) > 1:  # one pass over their bounding rows: a pass costs more
                united = QtCore.QRect(rects[0])  # than the rows between the changes
                for r in rects[1:]:
                    united = united.united(r)
                rects = [united]
        if full:
            self.pixmap = QtGui.QPixmap(max(1, rect.width()), max(1, rect.height()))
            rects = [rect]
        self.key, self.rect, self.state, self.own, self.dy = key, QtCore.QRect(rect), state, tuple(own), dy
        if not rects:
            return 0
        assert self.pixmap is not None
        p = QtGui.QPainter(self.pixmap)
        try:
            p.translate(-rect.left(), -rect.top())
            for r in rects:
                p.save()
                p.setClipRect(r)
                compose(p, r)
                p.restore()
        finally:
            p.end()
        return len(rects)
