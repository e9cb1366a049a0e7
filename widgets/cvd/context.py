"""Market context on the CVD chart: mark price, funding and its countdown, open interest.

A one-line strip above the chart (hidden until the venue sends any of it, so a replay without
context streams loses no room) and an optional pane under the CVD with open interest's change
per bar. The line's text is rebuilt at most once a frame and set only when it differs, so the
countdown costs one label repaint a second; the pane redraws only when a report arrived.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.events import MarkPrice, OpenInterest
from app.core.instrument import Instrument
from app.core.oi_bars import OpenInterestBars
from app.core.units import NS_PER_S
from widgets.base import palette
from widgets.base.fmt import compact_qty
from widgets.base.painted_axis import unlink_hidden_axes
from widgets.cvd.items import CvdAxis, style_axis
from widgets.cvd.plot_items import F64, _BarsItem, cosmetic_pen


def countdown_text(remaining_ns: int) -> str:
    """h:mm:ss to the next funding (it is settled every 8 h on most venues, 1 h on some), rounded
    up so that it reads 0:00:00 only when funding is due."""
    if remaining_ns <= 0:
        return "now"
    s = -(-remaining_ns // NS_PER_S)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def funding_text(rate: Decimal) -> str:
    return f"{rate * 100:+.4f}%"


def oi_lots(instrument: Instrument, oi: OpenInterest) -> int:
    """The report in lots, rounded to the nearest lot (venues report it in the quantity unit)."""
    return int((oi.open_interest / instrument.lot_size).to_integral_value())


def context_text(
    instrument: Instrument, mark: MarkPrice | None, oi: OpenInterestBars | None, now_ns: int
) -> str:
    """'Mark 61715.3 · Funding +0.0100% in 2:13:05 · OI 81,234.5 BTC (Δ bar +120)'; '' with none."""
    parts = []
    if mark is not None:
        exp = instrument.tick_size.as_tuple().exponent
        places = -exp if isinstance(exp, int) and exp < 0 else 0
        parts.append(f"Mark {mark.mark_price:.{places}f}")
        funding = f"Funding {funding_text(mark.funding_rate)}"
        if mark.next_funding_ns > 0 and now_ns > 0:
            funding += f" in {countdown_text(mark.next_funding_ns - now_ns)}"
        parts.append(funding)
    latest = oi.latest_lots() if oi is not None else None
    delta = oi.latest_change_lots() if oi is not None else None
    if latest is not None and delta is not None:
        unit = instrument.quantity_unit or instrument.base_asset
        sign = "+" if delta >= 0 else "-"
        level = f"{instrument.qty(latest):,.1f}"  # a level to compare all day: not rounded to K
        parts.append(f"OI {level} {unit} (Δ bar {sign}{compact_qty(instrument, abs(delta))})")
    return "   ·   ".join(parts)


class OiChangeItem(_BarsItem):
    """Open interest's change per bar: a column from zero, teal up and red down (sign in the axis)."""

    def __init__(self) -> None:
        super().__init__()
        self._y: F64 = np.zeros(0)
        self._up = QtGui.QBrush(palette.STACK)
        self._down = QtGui.QBrush(palette.PULL)
        self._pen = cosmetic_pen(palette.GRID)

    def set_data(self, x_s: F64, width_s: float, change: F64) -> None:
        self._y = change
        self._set_x(x_s, width_s, None)

    def _extent(self, i: int) -> tuple[float, ...]:
        tail = self._y[i:]
        return min(0.0, float(tail.min())), max(0.0, float(tail.max()))

    def values(self) -> tuple[F64, F64]:
        return self._x.copy(), self._y.copy()

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, *_args: Any) -> None:
        sl = self._exposed_slice(option)
        x, y = self._x[sl], self._y[sl]
        w = self._width_s * 0.7
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        for xi, yi in zip(x.tolist(), y.tolist(), strict=True):
            if yi:
                p.fillRect(
                    QtCore.QRectF(xi - w / 2, min(0.0, yi), w, abs(yi)), self._up if yi > 0 else self._down
                )


class CvdContext:
    """The CVD chart's context line and its open-interest pane (added to the chart on demand)."""

    def __init__(self, glw: pg.GraphicsLayoutWidget, link_to: pg.PlotItem, axis_width_px: int) -> None:
        self.label = QtWidgets.QLabel()
        self.label.setStyleSheet(
            f"color: {palette.TEXT.name()}; background: {palette.PANEL.name()}; padding: 1px 6px;"
        )
        self.label.setVisible(False)
        self._glw = glw
        self.axis = CvdAxis()
        self.plot = pg.PlotItem(axisItems={"right": self.axis})
        self.plot.hideAxis("left")
        self.plot.showAxis("right")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        vb = self.plot.getViewBox()
        vb.setMouseEnabled(x=True, y=False)
        vb.disableAutoRange()
        style_axis(self.axis, axis_width_px)
        unlink_hidden_axes(self.plot)
        self.plot.setXLink(link_to)
        dim = palette.TEXT_DIM.name()
        self.plot.setTitle("Open interest Δ per bar", color=dim, size="8pt", justify="left")
        self.item = OiChangeItem()
        self.plot.addItem(self.item, ignoreBounds=True)
        self._zero = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(palette.TEXT_DIM, width=1), movable=False)
        self.plot.addItem(self._zero, ignoreBounds=True)
        self._shown = False
        self.oi = OpenInterestBars(60)
        self._seen_oi: OpenInterest | None = None
        self._drawn_version = -1
        self._text = ""

    @property
    def pane_shown(self) -> bool:
        return self._shown

    def show_pane(self, show: bool) -> None:
        if show == self._shown:
            return
        self._shown = show
        if show:
            self._glw.ci.addItem(self.plot, row=2, col=0)
            self._glw.ci.layout.setRowStretchFactor(2, 1)
            self._drawn_version = -1
        else:
            self._glw.ci.removeItem(self.plot)
            self.plot.setParentItem(None)
            scene = self.plot.scene()
            if scene is not None:
                scene.removeItem(self.plot)

    def set_timeframe(self, timeframe_s: int) -> None:
        if self.oi.timeframe_ns != timeframe_s * NS_PER_S:
            self.oi = self.oi.rebinned(timeframe_s)
            self._drawn_version = -1

    def reset(self, timeframe_s: int, instrument: Instrument | None) -> None:
        """A new market: no reports yet."""
        self.axis.instrument = instrument
        self.oi = OpenInterestBars(timeframe_s)
        self._seen_oi = None
        self._drawn_version = -1

    def update(
        self, instrument: Instrument, mark: MarkPrice | None, oi: OpenInterest | None, now_ns: int
    ) -> bool:
        """Take the market's newest context; True if anything on screen changed."""
        if oi is not None and oi is not self._seen_oi:
            self._seen_oi = oi
            self.oi.add(oi.exchange_ns, oi_lots(instrument, oi))
        changed = False
        text = context_text(instrument, mark, self.oi, now_ns)
        if text != self._text:
            self._text = text
            self.label.setText(text)
            self.label.setVisible(bool(text))
            changed = True
        if self._shown and self.oi.version != self._drawn_version:
            self._drawn_version = self.oi.version
            start, _, change = self.oi.arrays()
            tf_s = self.oi.timeframe_ns / NS_PER_S
            self.item.set_data(
                start.astype(np.float64) / NS_PER_S + tf_s / 2, tf_s, change.astype(np.float64)
            )
            lo, hi = (float(change.min()), float(change.max())) if change.size else (-1.0, 1.0)
            lo, hi = min(lo, 0.0), max(hi, 0.0)
            pad = max(1.0, (hi - lo) * 0.1)
            self.plot.getViewBox().setYRange(lo - pad, hi + pad, padding=0)
            changed = True
        return changed

    @property
    def text(self) -> str:
        return self._text
