"""Session VWAP with its 1σ and 2σ bands on the CVD chart's price pane.

The bands are the market's (every print, whatever the chart's size filter) and reset with the
chart's own session setting, so a trader who restarts CVD at the US open sees VWAP restart there
too. Drawn like the chart's price line: a live frame repaints only the open bar's strip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.sessions import SessionSchedule
from app.core.tape import TradeColumns
from app.core.units import NS_PER_S
from app.core.vwap_bands import SessionVwapSeries
from widgets.base import palette
from widgets.cvd.plot_items import F64, _BarsItem, cosmetic_pen

VWAP_COLOUR = palette.HIGHLIGHT
BAND_SIGMAS = (1.0, 2.0)


class VwapBandsItem(_BarsItem):
    """VWAP (solid), ±1σ (dashed) and ±2σ (dotted), one point per bar at the bar's centre."""

    LINKS_NEIGHBOURS = 1

    def __init__(self) -> None:
        super().__init__()
        self._vwap: F64 = np.zeros(0)
        self._sigma: F64 = np.zeros(0)
        dim = QtGui.QColor(VWAP_COLOUR)
        dim.setAlpha(150)
        self._pens = (
            cosmetic_pen(VWAP_COLOUR),
            cosmetic_pen(dim, QtCore.Qt.PenStyle.DashLine),
            cosmetic_pen(dim, QtCore.Qt.PenStyle.DotLine),
        )

    def set_data(
        self, x_s: F64, width_s: float, vwap: F64, sigma: F64, changed_from: int | None = None
    ) -> None:
        self._vwap, self._sigma = vwap, sigma
        self._set_x(x_s, width_s, changed_from)

    def _extent(self, i: int) -> tuple[float, ...]:
        v, s = self._vwap[i:], self._sigma[i:]
        k = BAND_SIGMAS[-1]
        return float((v - k * s).min()), float((v + k * s).max())

    def lines(self) -> dict[float, F64]:
        """y of each line per point, keyed by its σ multiple (0: VWAP itself), as drawn."""
        out = {0.0: self._vwap.copy()}
        for k in BAND_SIGMAS:
            out[k] = self._vwap + k * self._sigma
            out[-k] = self._vwap - k * self._sigma
        return out

    def x_s(self) -> F64:
        return self._x.copy()

    def paint(self, p: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem, *_args: Any) -> None:
        sl = self._exposed_slice(option)
        if self._x[sl].shape[0] < 2:
            return
        p.setPen(self._pens[0])
        p.drawPath(self._line_path((0.0,), sl, self._y_of(0.0)))
        for k, pen in zip(BAND_SIGMAS, self._pens[1:], strict=True):
            p.setPen(pen)
            # the dash pattern starts where the path starts: the same slice as ever, kept whole
            p.drawPath(self._line_path((k,), sl, self._y_of(k)))
            p.drawPath(self._line_path((-k,), sl, self._y_of(-k)))

    def _y_of(self, k: float) -> Callable[[int, int], F64]:
        """y of the line at VWAP + k·σ for points i0:i1 (k = 0: VWAP itself, not VWAP + 0·σ)."""
        if k == 0.0:
            return lambda i0, i1: self._vwap[i0:i1]
        if k > 0:
            return lambda i0, i1: self._vwap[i0:i1] + k * self._sigma[i0:i1]
        return lambda i0, i1: self._vwap[i0:i1] - -k * self._sigma[i0:i1]


class VwapBands:
    """The CVD chart's VWAP: its series (fed from the chart's prints) and its item."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.item = VwapBandsItem()
        plot.addItem(self.item, ignoreBounds=True)
        self._series = SessionVwapSeries(60)
        self._drawn_version = -1
        self._drawn_n = 0
        self._drawn_dropped = 0
        self._xbuf: F64 = np.zeros(256)  # point centres (s), filled up to _drawn_n

    def reset(self, timeframe_s: int, sessions: SessionSchedule, prints: TradeColumns) -> None:
        self._series = SessionVwapSeries(timeframe_s, sessions)
        self._drawn_version, self._drawn_n, self._drawn_dropped = -1, 0, 0
        self.feed(prints)

    def feed(self, prints: TradeColumns) -> None:
        if prints.size:
            self._series.add_trades(prints.exchange_ns, prints.price_ticks, prints.qty_lots)

    def set_visible(self, visible: bool) -> None:
        self.item.setVisible(visible)

    def vwap_ticks(self) -> float | None:
        """The session VWAP now (None before the session's first print)."""
        v = self._series.sums.vwap_ticks()
        return None if v is None else float(v)

    def draw(self) -> bool:
        """Hand the item the points (only the newest, open bar's, can have changed); True if drawn."""
        series = self._series
        if series.version == self._drawn_version:
            return False
        self._drawn_version = series.version
        start, vwap, sigma = series.points()
        tf_s = series.timeframe_ns / NS_PER_S
        n = start.shape[0]
        same = series.dropped_count == self._drawn_dropped
        changed_from = self._drawn_n - 1 if same and 0 < self._drawn_n <= n else None
        self._drawn_n, self._drawn_dropped = n, series.dropped_count
        if self._xbuf.shape[0] < n:
            self._xbuf = np.resize(self._xbuf, max(n, 2 * self._xbuf.shape[0]))
        self._xbuf[changed_from:n] = start[changed_from:].astype(np.float64) / NS_PER_S + tf_s / 2
        self.item.set_data(self._xbuf[:n], tf_s, vwap, sigma, changed_from)
        return True
