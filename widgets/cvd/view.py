"""The CVD chart: price on top, cumulative volume delta below, on one linked time axis.

A scalper reads CVD against price: a new price high that aggressive buyers did not push (CVD
makes a lower high) is the classic warning, and the chart marks it. The view owns its
`CvdSeries` (its own bar length, session reset and size filter, independent of the footprint
and of the market's CVD) so the trader can, say, watch only the big prints on 5 s bars.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.cvd_series import NS_PER_S, CvdBars, CvdSeries, Divergence, DivergenceKind, DivergenceTracker
from app.core.footprint import BarSpec
from app.core.market import Changed, MarketState
from app.core.paper.trip_review import TripReview
from app.core.tape import TapeCursor, TradeColumns
from widgets.base import palette
from widgets.base.fill_marks import FillMarksItem, exchange_offset_ns, seconds_x
from widgets.base.fmt import compact_qty
from widgets.base.liquidation_marks import LiquidationMarksItem, add_liquidation_menu
from widgets.base.menus import add_choice_menu, add_setting
from widgets.base.painted_axis import unlink_hidden_axes
from widgets.base.price_axis import PriceAxis
from widgets.base.signal_marks import SignalMarksItem
from widgets.base.trip_marks import TripMarksItem, newest_receive_ns, place_trip, review_offset_ns
from widgets.base.view import MarketView
from widgets.cvd.context import CvdContext
from widgets.cvd.items import CvdAxis, GridItem, Mark, MarksItem, TimeAxis, style_axis
from widgets.cvd.plot_items import CandleItem, LineItem
from widgets.cvd.range import fit_y_range, follow_x_range
from widgets.cvd.settings import CVD_SETTINGS, CvdSettings, schedule_for
from widgets.cvd.vwap_item import VwapBands

FOLLOW_BARS = 120  # bars shown when following the newest one
RIGHT_MARGIN_BARS = 4
AXIS_WIDTH_PX = 72
PAD_TOP_PX = 40.0
PAD_BOTTOM_PX = 34.0


class CvdView(MarketView):
    view_id = "cvd"
    title = "CVD"
    watches = (
        Changed.TAPE
        | Changed.CVD
        | Changed.ACCOUNT
        | Changed.SIGNALS
        | Changed.LIQUIDATIONS
        | Changed.DERIVATIVES
    )

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = CvdSettings()
        self._series = CvdSeries(self._settings.spec())
        self._tracker = DivergenceTracker(self._settings.divergence_lookback)
        self._divergences: list[Divergence] = []
        self._cursor = TapeCursor()
        self._drawn_version = -1
        self._following = True
        self._setting_range = False
        self._x: npt.NDArray[np.float64] = np.zeros(0)
        self._xbuf: npt.NDArray[np.float64] = np.zeros(256)  # bar centres (s), filled up to _drawn_n
        self._drawn_n = 0  # bars handed to the items at the last draw (0: redraw everything)
        self._drawn_dropped = 0
        self._drawn_resets: list[float] | None = None
        self._marks_key: tuple[Any, ...] | None = None  # what the drawn marks were made from
        self._head_key: tuple[Any, ...] | None = None  # what the pane headers were made from
        self._heads = ("", "")  # the headers' fixed parts
        self._price_texts: dict[int, str] = {}
        self._closed_extremes: tuple[tuple[int, ...], list[float]] | None = None  # for the y fit

        pg.setConfigOptions(antialias=False)
        self._glw = pg.GraphicsLayoutWidget()
        self._glw.setBackground(palette.BACKGROUND)
        self._glw.ci.layout.setContentsMargins(2, 2, 2, 2)
        self._glw.ci.layout.setVerticalSpacing(0)
        self._price_axis = PriceAxis()
        self._cvd_axis = CvdAxis()
        self._price_plot = self._make_plot(0, self._price_axis, show_time=False)
        self._cvd_plot = self._make_plot(1, self._cvd_axis, show_time=True)
        self._glw.ci.layout.setRowStretchFactor(0, 3)
        self._glw.ci.layout.setRowStretchFactor(1, 2)
        self._cvd_plot.setXLink(self._price_plot)
        # mark, funding, open interest: a line above the chart, a pane under it (widgets/cvd/context.py)
        self.context = CvdContext(self._glw, self._price_plot, AXIS_WIDTH_PX)

        self._price_candles = CandleItem()
        self._cvd_candles = CandleItem()
        self._price_line = LineItem(palette.TEXT)
        self._cvd_line = LineItem(palette.BUY_STRONG)
        self._price_marks = MarksItem()
        self._cvd_marks = MarksItem()
        zero_pen = pg.mkPen(palette.TEXT_DIM, width=1, style=QtCore.Qt.PenStyle.DashLine)
        self._zero_line = pg.InfiniteLine(pos=0, angle=0, pen=zero_pen, movable=False)
        for plot, items in (
            (self._price_plot, (self._price_candles, self._price_line, self._price_marks)),
            (self._cvd_plot, (self._zero_line, self._cvd_candles, self._cvd_line, self._cvd_marks)),
        ):
            for item in items:
                plot.addItem(item, ignoreBounds=True)
        self.liquidation_marks = LiquidationMarksItem()  # forced orders, on the price pane
        self._price_plot.addItem(self.liquidation_marks, ignoreBounds=True)
        self.vwap = VwapBands(self._price_plot)  # session VWAP ±1σ/2σ (widgets/cvd/vwap_item.py)
        self._reset_lines: list[tuple[pg.InfiniteLine, pg.InfiniteLine]] = []
        self.fill_marks = FillMarksItem()  # the trader's fills and round trips, on the price pane
        self._price_plot.addItem(self.fill_marks, ignoreBounds=True)
        self.signal_marks = SignalMarksItem(scale=0.7)  # the order-flow signals, on the price pane
        self._price_plot.addItem(self.signal_marks, ignoreBounds=True)
        self.trip_marks = TripMarksItem()  # the trade under review (Trades view → Review)
        self._price_plot.addItem(self.trip_marks, ignoreBounds=True)

        self._price_plot.addItem(GridItem(self._price_axis), ignoreBounds=True)
        self._cvd_plot.addItem(GridItem(self._cvd_axis), ignoreBounds=True)
        self._price_plot.getViewBox().sigRangeChangedManually.connect(self._user_moved)
        self._cvd_plot.getViewBox().sigRangeChangedManually.connect(self._user_moved)
        self._price_plot.getViewBox().sigXRangeChanged.connect(self._fit_y)

        self._glw.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self._glw.customContextMenuRequested.connect(self._show_menu)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.context.label)
        layout.addWidget(self._glw)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self._apply_styles()

    def _make_plot(self, row: int, axis: pg.AxisItem, show_time: bool) -> pg.PlotItem:
        axes: dict[str, pg.AxisItem] = {"right": axis}
        if show_time:
            axes["bottom"] = TimeAxis()
        plot = self._glw.addPlot(row=row, col=0, axisItems=axes)
        plot.hideAxis("left")
        plot.showAxis("right")
        plot.showAxis("bottom", show_time)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        vb = plot.getViewBox()
        vb.setMouseEnabled(x=True, y=False)  # y always fits the bars in view
        vb.disableAutoRange()
        style_axis(axis, AXIS_WIDTH_PX)
        if show_time:
            style_axis(plot.getAxis("bottom"))
        # the open bar's repaint strip, rounded out by the view, touches the right axis: without a
        # cache the axis re-rendered every frame for the 2-3 pixels of it the strip covers
        for name in ("right", "bottom"):
            plot.getAxis(name).setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        unlink_hidden_axes(plot)
        return plot

    # -- MarketView contract ---------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        inst = market.instrument if market is not None else None
        self._price_axis.show_prices(inst)
        self._cvd_axis.instrument = inst
        self._following = True
        self.fill_marks.invalidate()  # another market: another receive → exchange clock offset
        self.signal_marks.instrument = inst
        self.signal_marks.invalidate()
        self.context.reset(self._settings.timeframe_s, inst)
        self._rebuild()

    def refresh(self, changed: int, now_ns: int) -> bool:
        market = self.market
        if market is None:
            return False
        tape = market.tape
        if self._cursor.pending(tape):
            new = self._cursor.take(tape)
            if new.size:
                self._series.add_trades(new.exchange_ns, new.price_ticks, new.qty_lots, new.side)
                self.vwap.feed(new)
        if now_ns > 0 and self._series.session_id is not None:
            self._series.advance_to(now_ns)
        until = now_ns if now_ns > 0 else newest_receive_ns(market)
        if changed & Changed.ACCOUNT or self.fill_marks.due(until):
            offset_ns = exchange_offset_ns(market)

            def x_of(ts_ns: int) -> float:
                return seconds_x(ts_ns + offset_ns)

            marks = self.fill_marks.place(self.paper.fills, self.paper.trips, x_of, until_ns=until)
        else:
            marks = False
        # bars are keyed by exchange time, as signals are: seconds_x places them, never moved
        marks |= self.signal_marks.place(self.signals, seconds_x)
        marks = (self.review is not None and self._place_trip_marks(now_ns)) or marks
        marks |= self.vwap.draw()
        marks |= self._place_liquidation_marks()
        marks |= self.context.update(market.instrument, market.mark, market.open_interest, now_ns)
        if self._series.version == self._drawn_version:
            return marks
        self._update_items()
        return True

    def _place_liquidation_marks(self, moved: bool = False) -> bool:
        """The market's liquidations at their exchange time and price; True if they changed."""
        s = self._settings
        item = self.liquidation_marks
        item.setVisible(s.show_liquidations)
        if self.market is None:
            return item.set_marks([])
        return item.place(self.market.liquidations, seconds_x, s.liq_min_lots, moved=moved)

    def set_review(self, review: TripReview | None) -> None:
        super().set_review(review)
        self._place_trip_marks()

    def _place_trip_marks(self, now_ns: int = 0) -> bool:
        """The reviewed trip on the price pane, as far as the replay has got; True if changed."""
        offset_ns = review_offset_ns(self.review, self.market)

        def x_of(ts_ns: int) -> float:
            return seconds_x(ts_ns + offset_ns)

        # the frame clock's market time, else the newest print: nothing the replay has not reached
        now = now_ns if now_ns > 0 else newest_receive_ns(self.market)
        tf = float(self._settings.timeframe_s)

        def bar_end(x: float) -> float:
            return (math.floor(x / tf) + 1) * tf

        return self.trip_marks.set_marks(*place_trip(self.review, x_of, now, bar_end))

    def settings(self) -> dict[str, Any]:
        return CVD_SETTINGS.to_dict(self._settings)

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        new, problems = CVD_SETTINGS.from_dict(data)
        self._set(new)
        return problems

    # -- public: window and tests ------------------------------------------------------------

    def follow_latest(self) -> None:
        """Scroll back to the newest bar and keep following it (until the user pans again)."""
        self._following = True
        self._set_follow_range()

    @property
    def following(self) -> bool:
        return self._following

    def centre_on(self, ts_ns: int) -> None:
        """Put an exchange time in the middle of the chart and stop following (an alert clicked
        on a live market); the price and CVD ranges fit the bars around it."""
        x0, x1 = self.x_range_s()
        half = (x1 - x0) / 2
        x = seconds_x(ts_ns)
        self._following = False
        self._setting_range = True
        try:
            self._price_plot.getViewBox().setXRange(x - half, x + half, padding=0)
        finally:
            self._setting_range = False
        self._fit_y()

    def shown_bars(self) -> CvdBars:
        return self._series.bars()

    def cvd_closes(self) -> npt.NDArray[np.int64]:
        return self._series.bars().cvd_close.copy()

    def price_closes(self) -> npt.NDArray[np.int64]:
        return self._series.bars().price_close.copy()

    def cvd_lots(self) -> int:
        """The running CVD now (0 just after a session reset, even before a print)."""
        return self._series.cvd_lots

    def divergences(self) -> list[Divergence]:
        return list(self._divergences)

    def marks(self) -> tuple[list[Mark], list[Mark]]:
        """Divergence marks as drawn: (price pane, CVD pane)."""
        return list(self._price_marks.marks), list(self._cvd_marks.marks)

    def reset_lines_s(self) -> list[float]:
        """Where session-reset lines are drawn (seconds since the epoch)."""
        return [float(ns) / NS_PER_S for ns in self._series.boundaries_ns]

    def headers(self) -> tuple[str, str]:
        """The header text of the price pane and of the CVD pane, as drawn."""
        return self._price_marks.header, self._cvd_marks.header

    def x_range_s(self) -> tuple[float, float]:
        (x0, x1), _ = self._price_plot.getViewBox().viewRange()
        return float(x0), float(x1)

    def build_menu(self) -> QtWidgets.QMenu:
        s = self._settings
        menu = QtWidgets.QMenu(self)
        follow = menu.addAction("Follow latest bar (End)")
        follow.triggered.connect(self.follow_latest)
        menu.addSeparator()
        for key in ("timeframe_s", "session_reset"):
            add_setting(menu, CVD_SETTINGS, key, s, self._user_set)
        add_choice_menu(
            menu,
            "Min trade size",
            self._size_choices(),
            s.min_size_lots,
            lambda v: self._user_set(min_size_lots=v),
        )
        for key in ("price_style", "cvd_style", "divergence_lookback", "show_vwap", "show_open_interest"):
            add_setting(menu, CVD_SETTINGS, key, s, self._user_set)
        inst = self.market.instrument if self.market is not None else None
        add_liquidation_menu(menu, inst, s.show_liquidations, s.liq_min_lots, self._user_set)
        return menu

    # -- internals -----------------------------------------------------------------------------

    def _size_choices(self) -> list[tuple[str, int]]:
        current = self._settings.min_size_lots
        lots = {0, current}
        inst = self.market.instrument if self.market is not None else None
        if inst is not None:
            for base in ("0.01", "0.1", "0.5", "1", "5", "10", "50"):
                n = int(Decimal(base) / inst.lot_size)
                if n >= 1 and Decimal(n) * inst.lot_size == Decimal(base):
                    lots.add(n)
        else:
            lots |= {10, 100, 1000, 10000}
        out = []
        for n in sorted(lots):
            label = "all trades" if n == 0 else (f"≥ {inst.qty_str(n)}" if inst else f"≥ {n} lots")
            out.append((label, n))
        return out

    def _show_menu(self, pos: QtCore.QPoint) -> None:
        self.build_menu().exec(self._glw.mapToGlobal(pos))

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() == QtCore.Qt.Key.Key_End:
            self.follow_latest()
            self.paint_now()
            return
        super().keyPressEvent(event)

    def _user_set(self, **changes: Any) -> None:
        self._set(replace(self._settings, **changes))
        self.settings_changed.emit()
        self.paint_now()

    def _set(self, new: CvdSettings) -> None:
        old, self._settings = self._settings, new
        if (old.timeframe_s, old.session_reset, old.min_size_lots) != (
            new.timeframe_s,
            new.session_reset,
            new.min_size_lots,
        ) or old.divergence_lookback != new.divergence_lookback:
            if old.timeframe_s != new.timeframe_s:
                self._following = True
            self._rebuild()
        else:
            self._apply_styles()
            self._update_items()

    def _rebuild(self) -> None:
        """Start the series afresh from every print the tape still holds."""
        self._series = CvdSeries(self._settings.spec())
        self._tracker = DivergenceTracker(self._settings.divergence_lookback)
        market = self.market
        if market is None:
            self._cursor.reset()
            prints = TradeColumns.from_rows([])
        else:
            prints = market.tape.all()
            self._cursor.skip(market.tape)
            if prints.size:
                self._series.add_trades(prints.exchange_ns, prints.price_ticks, prints.qty_lots, prints.side)
        self.vwap.reset(self._settings.timeframe_s, schedule_for(self._settings.session_reset), prints)
        self._place_liquidation_marks(moved=True)
        self._apply_styles()
        self._update_items()

    def _apply_styles(self) -> None:
        s = self._settings
        self._drawn_n = 0  # new series or style: the next draw hands over (and repaints) every bar
        self._marks_key = self._head_key = self._closed_extremes = None
        self._price_candles.setVisible(s.price_style == "candles")
        self._price_line.setVisible(s.price_style == "line")
        self._cvd_candles.setVisible(s.cvd_style == "candles")
        self._cvd_line.setVisible(s.cvd_style == "line")
        self.vwap.set_visible(s.show_vwap)
        self.context.set_timeframe(s.timeframe_s)
        self.context.show_pane(s.show_open_interest)
        self._place_liquidation_marks(moved=True)  # the size filter may have changed

    def _update_items(self) -> None:
        """Hand the items the bars; on a live frame only the open bar (and a new one) changed."""
        series = self._series
        self._drawn_version = series.version
        bars = series.bars()
        n = bars.size
        s = self._settings
        tf = float(s.timeframe_s)
        # Bars before the one that was open at the last draw are closed: unchanged, not redrawn.
        incremental = series.dropped_count == self._drawn_dropped and n >= self._drawn_n > 0
        changed_from = self._drawn_n - 1 if incremental else None
        self._drawn_n, self._drawn_dropped = n, series.dropped_count
        if self._xbuf.shape[0] < n:
            self._xbuf = np.resize(self._xbuf, max(n, 2 * self._xbuf.shape[0]))
        tail = bars.start_ns[changed_from:]
        self._xbuf[changed_from:n] = tail.astype(np.float64) / NS_PER_S + tf / 2
        x = self._xbuf[:n]
        if s.price_style == "candles":
            ohlc = (bars.price_open, bars.price_high, bars.price_low, bars.price_close)
            self._price_candles.set_data(x, tf, ohlc, changed_from)
        else:
            self._price_line.set_data(x, tf, bars.price_close, changed_from)
        if s.cvd_style == "candles":
            cvd_ohlc = (bars.cvd_open, bars.cvd_high, bars.cvd_low, bars.cvd_close)
            self._cvd_candles.set_data(x, tf, cvd_ohlc, changed_from)
        else:
            self._cvd_line.set_data(x, tf, bars.cvd_close, changed_from)
        self._x = x
        self._divergences = self._tracker.update(bars, series.dropped_count)
        self._update_marks(bars, x)
        self.vwap.draw()
        self._update_reset_lines()
        if self._following:
            self._set_follow_range()
        else:
            self._fit_y()

    def _update_marks(self, bars: CvdBars, x: npt.NDArray[np.float64]) -> None:
        off = self._series.dropped_count
        resets = self.reset_lines_s()
        price_head, cvd_head = self._header_texts(bars)
        key = (off, resets, self._divergences)
        if key == self._marks_key:  # most frames: the same marks, perhaps a new header
            self._price_marks.set_header(price_head)
            self._cvd_marks.set_header(cvd_head)
            return
        self._marks_key = key
        price_marks: list[Mark] = []
        cvd_marks: list[Mark] = []
        for d in self._divergences:
            i, j = d.bar - off, d.prev_bar - off
            if j < 0:
                continue
            bear = d.kind is DivergenceKind.BEARISH
            price_marks.append(Mark(float(x[i]), d.price_ticks, bear, float(x[j]), d.prev_price_ticks))
            cvd_marks.append(Mark(float(x[i]), d.cvd_lots, bear, float(x[j]), d.prev_cvd_lots))
        self._price_marks.set_marks(price_marks, [], price_head)
        self._cvd_marks.set_marks(cvd_marks, resets, cvd_head)

    def _header_texts(self, bars: CvdBars) -> tuple[str, str]:
        """The two pane headers: the fixed part made once per setting and market, each price
        written once (a bar's open, high and low repeat every frame, its close mostly does)."""
        key = (self._settings, self.market)
        if key != self._head_key:
            self._head_key, self._heads = key, self._header_prefixes()
            self._price_texts.clear()
        price, cvd = self._heads
        market = self.market
        if market is None or not bars.size:
            return price, cvd
        inst = market.instrument
        i = bars.size - 1
        ohlc = (bars.price_open, bars.price_high, bars.price_low, bars.price_close)
        o, h, lo, c = (self._price_text(int(a[i])) for a in ohlc)
        unit = inst.quantity_unit or inst.base_asset
        cvd_text = f"   {compact_qty(inst, self._series.cvd_lots)} {unit}".rstrip()
        return f"{price}   O {o}  H {h}  L {lo}  C {c}", cvd + cvd_text

    def _price_text(self, ticks: int) -> str:
        texts = self._price_texts
        text = texts.get(ticks)
        if text is None:
            if len(texts) > 512:
                texts.clear()
            assert self.market is not None
            text = texts[ticks] = self.market.instrument.price_str(ticks)
        return text

    def _header_prefixes(self) -> tuple[str, str]:
        s = self._settings
        market = self.market
        tf = BarSpec.time(s.timeframe_s).label
        reset = "no reset" if s.session_reset == "never" else f"reset {s.session_reset} UTC"
        if market is None:
            return f"Price {tf}", f"CVD {tf} · {reset}"
        inst = market.instrument
        size = "all trades" if s.min_size_lots == 0 else f"trades ≥ {inst.qty_str(s.min_size_lots)}"
        return f"{inst.symbol} {tf}", f"CVD {tf} · {reset} · {size}"

    def _update_reset_lines(self) -> None:
        xs = self.reset_lines_s()
        if xs == self._drawn_resets:
            return
        self._drawn_resets = xs
        while len(self._reset_lines) < len(xs):
            pen = pg.mkPen(palette.TEXT_DIM, width=1, style=QtCore.Qt.PenStyle.DashDotLine)
            pair = (pg.InfiniteLine(angle=90, pen=pen), pg.InfiniteLine(angle=90, pen=pen))
            self._price_plot.addItem(pair[0], ignoreBounds=True)
            self._cvd_plot.addItem(pair[1], ignoreBounds=True)
            self._reset_lines.append(pair)
        for k, pair in enumerate(self._reset_lines):
            for line in pair:
                if k < len(xs):
                    line.setValue(xs[k])
                line.setVisible(k < len(xs))

    def _user_moved(self, *_args: Any) -> None:
        if not self._setting_range:
            self._following = False

    def _set_follow_range(self) -> None:
        x = self._x
        if not x.shape[0]:
            return
        tf = float(self._settings.timeframe_s)
        x0, x1 = follow_x_range(float(x[0]), float(x[-1]), tf, FOLLOW_BARS, RIGHT_MARGIN_BARS)
        c0, c1 = self.x_range_s()
        # Only a new bar (or the way back from a pan) moves the window: a move re-renders the axes.
        if abs(x0 - c0) > 1e-6 * tf or abs(x1 - c1) > 1e-6 * tf:
            self._setting_range = True
            try:
                self._price_plot.getViewBox().setXRange(x0, x1, padding=0)
            finally:
                self._setting_range = False
        self._fit_y()

    def _fit_y(self, *_args: Any) -> None:
        x = self._x
        if not x.shape[0]:
            return
        x0, x1 = self.x_range_s()
        half = self._settings.timeframe_s / 2
        i0 = int(np.searchsorted(x, x0 - half))
        i1 = int(np.searchsorted(x, x1 + half, side="right"))
        if i1 <= i0:
            i0, i1 = max(0, x.shape[0] - 1), x.shape[0]
        extremes = self._extremes(i0, i1)
        self._setting_range = True
        try:
            for plot, (lo, hi) in zip((self._price_plot, self._cvd_plot), extremes, strict=True):
                vb = plot.getViewBox()
                y0, y1 = vb.viewRange()[1]
                target = fit_y_range(
                    lo,
                    hi,
                    (y0, y1),
                    vb.height(),
                    pad_top_px=PAD_TOP_PX,
                    pad_bottom_px=PAD_BOTTOM_PX,
                )
                if target is not None:  # mostly None: a y move re-renders the axis and the pane
                    vb.setYRange(*target, padding=0)
        finally:
            self._setting_range = False

    def _extremes(self, i0: int, i1: int) -> tuple[tuple[float, float], tuple[float, float]]:
        """(low, high) of price and of CVD over bars i0:i1: the closed bars' reduced once (kept
        until the window or the series changes), the open bar's read each frame."""
        series = self._series
        bars = series.bars()
        n = bars.size
        end = min(i1, n - 1)
        cols = (bars.price_low, bars.price_high, bars.cvd_low, bars.cvd_high)
        if end <= i0:
            lows_highs = [float(c[i0:i1].min() if k % 2 == 0 else c[i0:i1].max()) for k, c in enumerate(cols)]
        else:
            key = (id(series), series.dropped_count, i0, end)
            if self._closed_extremes is None or self._closed_extremes[0] != key:
                closed = [
                    float(c[i0:end].min() if k % 2 == 0 else c[i0:end].max()) for k, c in enumerate(cols)
                ]
                self._closed_extremes = (key, closed)
            lows_highs = list(self._closed_extremes[1])
            if i1 == n:
                for k, c in enumerate(cols):
                    v = float(c[n - 1])
                    lows_highs[k] = min(lows_highs[k], v) if k % 2 == 0 else max(lows_highs[k], v)
        plo, phi, clo, chi = lows_highs
        return (plo, phi), (clo, chi)
