"""Liquidations drawn on a chart (footprint, CVD price pane): a violet diamond at each forced order.

A diamond (not a triangle, which is the trader's own fill, nor the signals' shapes) at the
order's time and price, sized by its quantity relative to the largest one shown, with "L" inside
once it is big enough to hold a letter, so it never relies on colour alone. A size filter keeps
the retail noise off. Placed (data x) only when liquidations arrive or the chart's bars move;
each paint draws the marks inside the view, found by bisection (they are in time order).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.events import Liquidation
from app.core.instrument import Instrument
from widgets.base import palette
from widgets.base.menus import add_choice_menu
from widgets.base.view_covering import ViewCoveringItem

MIN_HALF_PX = 4.0
MAX_HALF_PX = 10.0
LETTER_MIN_HALF_PX = 7.0
SIZE_STEPS = ("0.01", "0.1", "0.5", "1", "5", "10", "50")


@dataclass(frozen=True, slots=True)
class LiquidationMark:
    """One forced order as drawn: x in the chart's unit, y its price in ticks, half size in px."""

    x: float
    price_ticks: int
    side: int
    qty_lots: int
    half_px: float


class LiquidationWatch:
    """Whether the market's liquidation list (appended to, trimmed in place) changed since the last look."""

    def __init__(self) -> None:
        self._seen: tuple[int, object] = (0, None)

    def changed(self, liquidations: Sequence[Liquidation]) -> bool:
        seen = (len(liquidations), liquidations[-1] if liquidations else None)
        if seen[0] == self._seen[0] and seen[1] is self._seen[1]:
            return False
        self._seen = seen
        return True

    def reset(self) -> None:
        self._seen = (0, None)


def liquidation_marks(
    liquidations: Sequence[Liquidation], x_of: Callable[[int], float | None], min_lots: int
) -> list[LiquidationMark]:
    """Marks for the liquidations at or above `min_lots` that the chart can place."""
    kept = [(x_of(liq.exchange_ns), liq) for liq in liquidations if liq.qty_lots >= min_lots]
    placed = [(x, liq) for x, liq in kept if x is not None]
    if not placed:
        return []
    top = max(liq.qty_lots for _, liq in placed)
    out = [
        LiquidationMark(
            x,
            liq.price_ticks,
            liq.side,
            liq.qty_lots,
            MIN_HALF_PX + (MAX_HALF_PX - MIN_HALF_PX) * math.sqrt(liq.qty_lots / top)
            if top > 0
            else MIN_HALF_PX,
        )
        for x, liq in placed
    ]
    out.sort(key=lambda m: m.x)
    return out


class LiquidationMarksItem(ViewCoveringItem):
    """Covers its view and draws the liquidation marks inside it (see FillMarksItem for
    `y_offset` and `bottom_px`)."""

    def __init__(self, y_offset: float = 0.0, bottom_px: Callable[[], int] | None = None) -> None:
        super().__init__()
        self.y_offset = y_offset
        self._bottom_px = bottom_px
        self._marks: list[LiquidationMark] = []
        self._xs: list[float] = []
        self.watch = LiquidationWatch()
        fill = QtGui.QColor(palette.LIQUIDATION)
        fill.setAlpha(200)
        self._brush = QtGui.QBrush(fill)
        self._pen = QtGui.QPen(palette.TEXT_BRIGHT, 0)
        self.font = QtGui.QFont()
        self.font.setPixelSize(9)
        self.font.setBold(True)
        self.setZValue(28)  # over the bars, under the trader's fills

    def place(
        self,
        liquidations: Sequence[Liquidation],
        x_of: Callable[[int], float | None],
        min_lots: int,
        *,
        moved: bool = False,
    ) -> bool:
        """Marks for the market's liquidations if they changed (or the bars `moved`); True if redrawn."""
        if not self.watch.changed(liquidations) and not moved:
            return False
        return self.set_marks(liquidation_marks(liquidations, x_of, min_lots))

    def invalidate(self) -> None:
        """The next `place` recomputes every mark (a new market, a new size filter)."""
        self.watch.reset()

    def set_marks(self, marks: Sequence[LiquidationMark]) -> bool:
        marks = list(marks)
        if marks == self._marks:
            return False
        self._marks = marks
        self._xs = [m.x for m in marks]
        self.update()
        return True

    def all_marks(self) -> list[LiquidationMark]:
        return list(self._marks)

    def marks(self) -> list[LiquidationMark]:
        """The marks inside the view: what the paint draws."""
        vb = self.getViewBox()
        if vb is None or not self.isVisible():
            return []
        view = vb.viewRect()
        lo, hi = view.top() - self.y_offset - 1, view.bottom() - self.y_offset + 1
        i0, i1 = bisect_left(self._xs, view.left()), bisect_right(self._xs, view.right())
        return [m for m in self._marks[i0:i1] if lo <= m.price_ticks <= hi]

    def paint(self, p: QtGui.QPainter, *_: Any) -> None:
        marks = self.marks()
        vb = self.getViewBox()
        if not marks or vb is None:
            return
        tr = p.transform()
        area = tr.mapRect(vb.viewRect()).normalized()
        bottom = self._bottom_px() if self._bottom_px is not None else 0
        clip = QtCore.QRectF(area.left(), area.top(), area.width(), max(0.0, area.height() - bottom))
        p.save()
        try:
            p.resetTransform()
            p.setClipRect(clip, QtCore.Qt.ClipOperation.IntersectClip)
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            p.setFont(self.font)
            for m in marks:
                c = tr.map(QtCore.QPointF(m.x, m.price_ticks + self.y_offset))
                h = m.half_px
                diamond = QtGui.QPolygonF(
                    [
                        QtCore.QPointF(c.x(), c.y() - h),
                        QtCore.QPointF(c.x() + h, c.y()),
                        QtCore.QPointF(c.x(), c.y() + h),
                        QtCore.QPointF(c.x() - h, c.y()),
                    ]
                )
                p.setPen(self._pen)
                p.setBrush(self._brush)
                p.drawPolygon(diamond)
                if h >= LETTER_MIN_HALF_PX:
                    p.drawText(
                        QtCore.QRectF(c.x() - h, c.y() - h, 2 * h, 2 * h),
                        QtCore.Qt.AlignmentFlag.AlignCenter,
                        "L",
                    )
        finally:
            p.restore()


def add_liquidation_menu(
    menu: QtWidgets.QMenu,
    instrument: Instrument | None,
    shown: bool,
    min_lots: int,
    pick: Callable[..., None],
) -> None:
    """ "Liquidations" in a chart's menu: off, every one, or only those at or above a size."""
    choices: list[tuple[str, int]] = [("Off", -1), ("All", 0)]
    for base in SIZE_STEPS:
        if instrument is None:
            break
        try:
            lots = instrument.lots(base)
        except (ValueError, ArithmeticError):
            continue  # not a whole number of lots on this instrument
        if lots >= 1:
            choices.append((f"≥ {instrument.qty_str(lots)} {instrument.quantity_unit}".rstrip(), lots))
    current = min_lots if shown else -1
    if all(v != current for _, v in choices):
        choices.append((f"≥ {min_lots} lots", current))

    def chosen(v: int) -> None:
        pick(show_liquidations=v >= 0, liq_min_lots=max(0, v))

    add_choice_menu(menu, "Liquidations", choices, current, chosen)
