"""The CVD chart of an aggregated market, with one CVD line per venue under the summed one.

The summed CVD is the chart's own (the aggregate's tape, every venue's prints in base units);
each venue's line is a `CvdSeries` of the same settings fed only that venue's prints, read from
the aggregate's venue column, so the lines add up to the summed CVD at every bar close that all
venues share (the series follow one session clock: the frame's time). A venue's line is redrawn
from its open bar only, as the summed one is. On one venue's market this is the plain chart.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6 import QtGui, QtWidgets

from app.core.aggregate import AggregateMarket, aggregate_of
from app.core.cvd_series import NS_PER_S, CvdSeries
from app.core.market import MarketState
from app.core.tape import TapeCursor
from widgets.base import palette
from widgets.cvd.plot_items import LineItem
from widgets.cvd.range import fit_y_range
from widgets.cvd.view import PAD_BOTTOM_PX, PAD_TOP_PX, CvdView


class _VenueLine:
    """One venue's CVD series and the line that draws it."""

    def __init__(self, series: CvdSeries, item: LineItem) -> None:
        self.series = series
        self.item = item
        self.drawn_version = -1
        self.drawn_n = 0
        self.drawn_dropped = 0
        self.x: npt.NDArray[np.float64] = np.zeros(0)


class VenueCvdView(CvdView):
    """CVD with per-venue lines on an aggregated market."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        self._lines: list[_VenueLine] = []
        self._venue_cursor = TapeCursor()
        self._aggregate: AggregateMarket | None = None
        super().__init__(parent)
        self.legend = QtWidgets.QLabel(self)
        self.legend.setObjectName("cvd_venues")
        self.legend.setStyleSheet("background: transparent;")
        self.legend.move(8, 4)
        self.legend.setVisible(False)

    def set_market(self, market: MarketState | None) -> None:
        self._aggregate = aggregate_of(market)
        super().set_market(market)  # rebuilds, which builds the venue lines

    def _rebuild(self) -> None:
        super()._rebuild()
        for line in self._lines:
            self._cvd_plot.removeItem(line.item)
        self._lines = []
        self._venue_cursor.reset()
        agg = self._aggregate
        if agg is None or self.market is None:
            if hasattr(self, "legend"):
                self.legend.setVisible(False)
            return
        for i in range(len(agg.legs)):
            item = LineItem(palette.venue_colour(i))
            self._cvd_plot.addItem(item, ignoreBounds=True)
            self._lines.append(_VenueLine(CvdSeries(self._settings.spec()), item))
        self._feed_venues()
        self._draw_venues()
        if hasattr(self, "legend"):
            parts = [
                f'<span style="color:{palette.venue_colour(i).name()}">━ {html.escape(name)}</span>'
                for i, name in enumerate(agg.agg.venues)
            ]
            self.legend.setText("CVD by venue: " + " &nbsp; ".join(parts))
            self.legend.adjustSize()
            self.legend.setVisible(True)
            self._place_legend()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if hasattr(self, "legend"):
            self._place_legend()

    def _place_legend(self) -> None:
        """At the bottom left of the CVD pane, above the time axis, clear of the headers."""
        pane = self._cvd_plot.getViewBox().sceneBoundingRect()
        bottom = self._glw.mapTo(self, self._glw.mapFromScene(pane.bottomLeft().toPoint()))
        self.legend.move(bottom.x() + 6, bottom.y() - self.legend.height() - 4)

    def refresh(self, changed: int, now_ns: int) -> bool:
        drew = super().refresh(changed, now_ns)
        if self._aggregate is None or self.market is None:
            return drew
        self._feed_venues()
        if now_ns > 0:
            for line in self._lines:
                if line.series.session_id is not None:
                    line.series.advance_to(now_ns)
        return self._draw_venues() or drew

    def _fit_y(self, *args: Any) -> None:
        """As the chart's own fit, with the CVD pane's range also holding every venue's line."""
        super()._fit_y(*args)
        if not self._lines or not self._x.shape[0]:
            return
        x0, x1 = self.x_range_s()
        half = self._settings.timeframe_s / 2
        bars = self._series.bars()
        columns = [(self._x, bars.cvd_low, bars.cvd_high)]
        for line in self._lines:
            close = line.series.bars().cvd_close
            columns.append((line.x[: line.drawn_n], close, close))
        lows, highs = [], []
        for x, lo, hi in columns:
            if x.shape[0] != lo.shape[0]:
                continue  # not drawn yet
            i0 = int(np.searchsorted(x, x0 - half))
            i1 = int(np.searchsorted(x, x1 + half, side="right"))
            if i1 > i0:
                lows.append(float(lo[i0:i1].min()))
                highs.append(float(hi[i0:i1].max()))
        if not lows:
            return
        vb = self._cvd_plot.getViewBox()
        target = fit_y_range(
            min(lows), max(highs), tuple(vb.viewRange()[1]), vb.height(),
            pad_top_px=PAD_TOP_PX, pad_bottom_px=PAD_BOTTOM_PX,
        )  # fmt: skip
        if target is not None:
            self._setting_range = True
            try:
                vb.setYRange(*target, padding=0)
            finally:
                self._setting_range = False

    def venue_cvd_lots(self) -> tuple[int, ...]:
        """Each venue's CVD now, in the aggregate's base units (what the lines end at)."""
        return tuple(line.series.cvd_lots for line in self._lines)

    def venue_points(self, venue: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The venue line's points as drawn (bar centre s, CVD close)."""
        return self._lines[venue].item.points()

    def _feed_venues(self) -> None:
        agg = self._aggregate
        market = self.market
        if agg is None or market is None:
            return
        tape = market.tape
        if not self._venue_cursor.pending(tape):
            return
        new = self._venue_cursor.take(tape)
        if new.size == 0:
            return
        venues = agg.venues.last(new.size)
        ns, price, qty, side = new.exchange_ns, new.price_ticks, new.qty_lots, new.side  # what a series reads
        if self._lines and bool((venues == venues[0]).all()):  # one venue's batch: no split
            self._lines[int(venues[0])].series.add_trades(ns, price, qty, side)
            return
        for i, line in enumerate(self._lines):
            mine = venues == i
            if mine.any():
                line.series.add_trades(ns[mine], price[mine], qty[mine], side[mine])

    def _draw_venues(self) -> bool:
        tf = float(self._settings.timeframe_s)
        drew = False
        for line in self._lines:
            series = line.series
            if series.version == line.drawn_version:
                continue
            line.drawn_version = series.version
            bars = series.bars()
            n = bars.size
            incremental = series.dropped_count == line.drawn_dropped and n >= line.drawn_n > 0
            changed_from = line.drawn_n - 1 if incremental else None
            line.drawn_n, line.drawn_dropped = n, series.dropped_count
            if incremental and line.x.shape[0] >= n:
                x = line.x[:n]
                x[changed_from:] = bars.start_ns[changed_from:].astype(np.float64) / NS_PER_S + tf / 2
            else:
                x = bars.start_ns.astype(np.float64) / NS_PER_S + tf / 2
                line.x = np.resize(x, max(n, 2 * line.x.shape[0], 256))
                line.x[:n] = x
                x = line.x[:n]
            line.item.set_data(x, tf, bars.cvd_close, changed_from)
            drew = True
        return drew
