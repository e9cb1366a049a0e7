"""Footprint chart dock: bid × ask per price group inside each bar, with the order-flow marks.

x is the bar number since the series started and y is price in ticks, so pan and zoom are the
ViewBox's own and exact. The view keeps its own FootprintSeries (the trader's bar type and
grouping), fed from the tape incrementally; a setting that changes bars rebuilds it from the tape.
The chart follows the newest bar until the user pans away from it; End (or the menu) returns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.footprint import BarSpec
from app.core.market import Changed, MarketState
from app.core.paper.trip_review import TripReview
from app.core.sessions import SessionSchedule
from app.core.tape import TapeCursor, TradeColumns
from widgets.base import palette
from widgets.base.fill_marks import FillMarksItem, exchange_offset_ns, footprint_x
from widgets.base.liquidation_marks import LiquidationMarksItem, add_liquidation_menu
from widgets.base.menus import add_choice_menu, add_setting
from widgets.base.painted_axis import PaintedAxis, unlink_hidden_axes
from widgets.base.price_axis import PriceAxis
from widgets.base.signal_marks import SignalMarksItem
from widgets.base.trip_marks import TripMarksItem, newest_receive_ns, place_trip, review_offset_ns
from widgets.base.view import MarketView
from widgets.footprint.item import FootprintItem
from widgets.footprint.model import FootprintCell, FootprintModel, StatsRow
from widgets.footprint.profile_item import FootprintSessionProfile
from widgets.footprint.settings import (
    FOOTPRINT_SETTINGS,
    GROUPS,
    TICK_SIZES,
    TIME_SIZES_S,
    FootprintSettings,
)

DEFAULT_BARS = 12
ROW_PX = 16.0  # default zoom: a cell tall enough to read
VOLUME_SIZES_BASE = (1, 5, 10, 25, 50, 100, 250, 500)  # bar sizes in base units, shown by instrument


def _column_end(x: float) -> float:
    """The right side of the bar column holding x (bar centres are whole numbers)."""
    return math.floor(x + 0.5) + 0.4


class BarAxis(PaintedAxis):
    """Bar start times under the bar centres, never between bars."""

    def __init__(self, view: FootprintView) -> None:
        super().__init__("bottom")
        self._view = view

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N803
        if size <= 0 or maxVal <= minVal:
            return []
        px_per_bar = size / (maxVal - minVal)
        step = 1
        for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
            if step * px_per_bar >= 70:
                break
        first = math.ceil(minVal / step) * step
        return [(float(step), [float(v) for v in range(first, math.floor(maxVal) + 1, step)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        model = self._view.model
        return [model.time_text(round(v)) if model is not None else "" for v in values]


class FootprintView(MarketView):
    view_id = "footprint"
    title = "Footprint"
    watches = Changed.TAPE | Changed.BARS | Changed.ACCOUNT | Changed.SIGNALS | Changed.LIQUIDATIONS

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings_value = FootprintSettings()
        self.model: FootprintModel | None = None
        self._cursor = TapeCursor()
        self._open_key: tuple[int, bool] | None = None  # (newest bar, is it open) at the last refresh
        self._following = True
        self._zoom_pending = True  # the default zoom waits for a first bar and a laid-out view
        self._auto_zoom = True  # the zoom is still the default one (the user has not zoomed or panned)
        self._adjusting = False  # our own range changes are not the user's
        self._price_axis = PriceAxis(group_ticks=self.settings_value.group_ticks)
        self.plot = pg.PlotWidget(
            background=palette.BACKGROUND,
            axisItems={"right": self._price_axis, "bottom": BarAxis(self)},
        )
        pi = self.plot.getPlotItem()
        pi.hideAxis("left")
        pi.showAxis("right")
        pi.hideButtons()
        pi.setMenuEnabled(False)
        for name in ("right", "bottom"):
            axis = pi.getAxis(name)
            axis.setPen(palette.GRID)
            axis.setTextPen(palette.TEXT_DIM)
            # the chart's repaint region touches the axes (their ticks reach into the plot, and
            # the region is rounded out to pixels): without a cache both axes re-render each frame
            axis.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        unlink_hidden_axes(pi)
        self.vb: pg.ViewBox = pi.getViewBox()
        self.vb.disableAutoRange()
        self.vb.setMenuEnabled(False)
        self.vb.sigRangeChangedManually.connect(self._on_manual_range)
        self.vb.sigResized.connect(self._on_resized)
        self.item: FootprintItem | None = None
        # the trader's fills and round trips, over the bars (keeping off the statistics rows)
        self.fill_marks = FillMarksItem(
            0.5, lambda: self.item.stats_height_px if self.item is not None else 0
        )
        self.vb.addItem(self.fill_marks, ignoreBounds=True)
        # the order-flow signals where they happened (widgets/base/signal_marks.py)
        self.signal_marks = SignalMarksItem(
            0.5, lambda: self.item.stats_height_px if self.item is not None else 0
        )
        self.vb.addItem(self.signal_marks, ignoreBounds=True)
        self.trip_marks = TripMarksItem(  # the trade under review (Trades view → Review)
            0.5, lambda: self.item.stats_height_px if self.item is not None else 0
        )
        self.vb.addItem(self.trip_marks, ignoreBounds=True)
        # the market's liquidations where they happened (widgets/base/liquidation_marks.py)
        self.liquidation_marks = LiquidationMarksItem(
            0.5, lambda: self.item.stats_height_px if self.item is not None else 0
        )
        self.vb.addItem(self.liquidation_marks, ignoreBounds=True)
        # the session's volume profile at the right edge (widgets/footprint/profile_item.py)
        self.session_profile = FootprintSessionProfile(
            self.vb, lambda: self.item.stats_height_px if self.item is not None else 0
        )
        self.plot.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.plot.customContextMenuRequested.connect(
            lambda pos: self.context_menu().exec(self.plot.mapToGlobal(pos))
        )
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)

    # -- MarketView ----------------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        super().set_market(market)
        self._rebuild()
        self.follow_latest(reset_zoom=True)

    def refresh(self, changed: int, now_ns: int) -> bool:
        if self.market is None or self.model is None:
            return False
        before = self.model.version
        last_before = self.model.last_index
        tape = self.market.tape
        if self._cursor.pending(tape):
            new = self._cursor.take(tape)
            self.model.feed(new)
            self.session_profile.feed(new)
        self.model.advance_to(now_ns)
        self.session_profile.advance_to(now_ns)
        stale = self._marks_stale(last_before)
        replace = changed & Changed.ACCOUNT or stale or self.fill_marks.due(now_ns)
        marks = bool(replace) and self._place_fill_marks(moved=stale, now_ns=now_ns)
        marks |= self._place_signal_marks(moved=self.model.last_index != last_before)
        marks = (self.review is not None and self._place_trip_marks(now_ns)) or marks
        marks |= self.session_profile.draw()
        marks |= self._place_liquidation_marks(moved=self.model.last_index != last_before)
        if self.model.version == before:
            return marks
        self.model.prepare()  # the open bar's analysis and the zones: computed here, not in paint
        if self._following:
            self._follow()
        if self.item is not None:
            open_key = (self.model.last_index, self.model.series.open_bar is not None)
            self.item.update_live(whole=open_key != self._open_key)
            self._open_key = open_key
        return True

    def settings(self) -> dict[str, Any]:
        return FOOTPRINT_SETTINGS.to_dict(self.settings_value)

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        new, problems = FOOTPRINT_SETTINGS.from_dict(data)
        self._set(new, emit=False)
        return problems

    # -- public --------------------------------------------------------------------------------

    @property
    def following(self) -> bool:
        return self._following

    def follow_latest(self, reset_zoom: bool = False) -> None:
        """Show the newest bar at the right edge (and the last price) and keep following it."""
        self._following = True
        self._follow(reset_zoom)

    def centre_on(self, ts_ns: int, price_ticks: int) -> bool:
        """Show the bar holding an exchange time with a price in the middle, and stop following
        (an alert clicked on a live market); False if the chart no longer holds that time."""
        if self.model is None:
            return False
        x = footprint_x(self.model.series, ts_ns)
        if x is None:
            return False
        r = self.vb.viewRect()
        self._following = False
        self._auto_zoom = False
        self._adjusting = True
        try:
            self.vb.setRange(
                xRange=(x - r.width() / 2, x + r.width() / 2),
                yRange=(price_ticks + 0.5 - r.height() / 2, price_ticks + 0.5 + r.height() / 2),
                padding=0,
            )
        finally:
            self._adjusting = False
        return True

    def visible_cells(self) -> list[FootprintCell]:
        """The cells inside the view range (what the paint draws, as values)."""
        if self.model is None:
            return []
        first, last, lo, hi = self._visible_range()
        return self.model.cells(first, last, lo, hi)

    def stats_rows(self) -> list[StatsRow]:
        if self.model is None or not self.settings_value.show_stats:
            return []
        first, last, _, _ = self._visible_range()
        return self.model.stats_rows(first, last)

    def context_menu(self) -> QtWidgets.QMenu:
        s = self.settings_value
        menu = QtWidgets.QMenu(self)
        bars: list[tuple[str, tuple[str, int]]] = [
            (f"Time {BarSpec.time(v).label}", ("time", v)) for v in TIME_SIZES_S
        ]
        bars += [(f"Ticks {v}t", ("ticks", v)) for v in TICK_SIZES]
        if self.market is not None:
            inst = self.market.instrument
            for base in VOLUME_SIZES_BASE:
                lots = inst.lots(str(base))
                bars.append((f"Volume {base} {inst.quantity_unit}".rstrip(), ("volume", lots)))
        add_choice_menu(
            menu, "Bar", bars, (s.bar_kind, s.bar_size), lambda v: self._pick(bar_kind=v[0], bar_size=v[1])
        )
        tick = self.market.instrument.tick_size if self.market is not None else None
        add_choice_menu(
            menu,
            "Price grouping",
            [(f"{g} tick{'s' if g > 1 else ''}" + (f" ({g * tick})" if tick else ""), g) for g in GROUPS],
            s.group_ticks,
            lambda v: self._pick(group_ticks=v),
        )
        for key in ("cell_mode", "color_by", "imbalance_ratio_pct"):
            add_setting(menu, FOOTPRINT_SETTINGS, key, s, self._pick)
        mins = [0, 1, 10, 100, 1000, 10_000]
        fmt = self.market.instrument.qty_str if self.market is not None else str
        add_choice_menu(
            menu,
            "Imbalance min volume",
            [(fmt(v) if v else "none", v) for v in mins],
            s.imbalance_min_lots,
            lambda v: self._pick(imbalance_min_lots=v),
        )
        for key in (
            "show_value_area",
            "show_stacked",
            "show_naked_poc",
            "show_stats",
            "show_session_profile",
        ):
            add_setting(menu, FOOTPRINT_SETTINGS, key, s, self._pick)
        add_liquidation_menu(
            menu,
            self.market.instrument if self.market else None,
            s.show_liquidations,
            s.liq_min_lots,
            self._pick,
        )
        menu.addSeparator()
        menu.addAction("Follow latest bar (End)", self.follow_latest)
        return menu

    # -- internals -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() in (QtCore.Qt.Key.Key_End, QtCore.Qt.Key.Key_F):
            self.follow_latest()
            event.accept()
            return
        super().keyPressEvent(event)

    def _pick(self, **changes: Any) -> None:
        self._set(replace(self.settings_value, **changes), emit=True)

    def _set(self, new: FootprintSettings, emit: bool) -> None:
        old = self.settings_value
        if new == old:
            return
        self.settings_value = new
        self.session_profile.set_visible(new.show_session_profile)
        if (new.show_liquidations, new.liq_min_lots) != (old.show_liquidations, old.liq_min_lots):
            self._place_liquidation_marks(moved=True)
        rebuild = (
            new.bar_spec() != old.bar_spec()
            or new.imbalance_ratio_pct != old.imbalance_ratio_pct
            or new.imbalance_min_lots != old.imbalance_min_lots
        )
        if rebuild:
            self._rebuild()
            if new.group_ticks != old.group_ticks or new.bar_spec() != old.bar_spec():
                self.follow_latest(reset_zoom=True)
        elif self.model is not None:
            self.model.settings = new
        if self.item is not None:
            self.item.invalidate()
        if emit:
            self.settings_changed.emit()

    def _rebuild(self) -> None:
        """A new series from the whole tape (new market, or a setting that changes the bars)."""
        inst = None if self.market is None else self.market.instrument
        self._price_axis.show_prices(inst, self.settings_value.group_ticks)
        if self.market is None:
            if self.item is not None:
                self.vb.removeItem(self.item)
                self.item = None
            self.model = None
            self._cursor.reset()
            self.session_profile.reset(
                self.settings_value.group_ticks, SessionSchedule(), TradeColumns.from_rows([])
            )
            return
        model = FootprintModel(self.market.instrument, self.settings_value, self.market.sessions)
        prints = self.market.tape.all()
        model.feed(prints)
        self.session_profile.reset(self.settings_value.group_ticks, self.market.sessions, prints)
        if self.market.last_trade_ns is not None:
            model.advance_to(self.market.last_trade_ns)
        self.model = model
        self._cursor.skip(self.market.tape)
        model.prepare()
        self._open_key = (model.last_index, model.series.open_bar is not None)  # a new model repaints all
        if self.item is None:
            self.item = FootprintItem(model)
            self.vb.addItem(self.item, ignoreBounds=True)
        else:
            self.item.set_model(model)
        self._place_fill_marks(moved=True)
        self._place_signal_marks(moved=True)
        self._place_liquidation_marks(moved=True)
        self._place_trip_marks()

    def _place_liquidation_marks(self, *, moved: bool) -> bool:
        """The market's liquidations on this chart's bars (exchange time); True if they changed."""
        item = self.liquidation_marks
        s = self.settings_value
        item.setVisible(s.show_liquidations)
        if self.model is None or self.market is None:
            return item.set_marks([])
        series = self.model.series
        return item.place(
            self.market.liquidations, lambda ts: footprint_x(series, ts), s.liq_min_lots, moved=moved
        )

    def _place_signal_marks(self, *, moved: bool) -> bool:
        """Put the signals on this chart's bars (exchange time, as the bars); True if they changed.

        `moved`: a new bar or a rebuild. Time bars never move a placed mark, but a tick or volume
        bar's span is known only once the next bar starts, so its marks are placed again then."""
        self.signal_marks.instrument = None if self.market is None else self.market.instrument
        if self.model is None:
            return self.signal_marks.set_marks([])
        series = self.model.series
        return self.signal_marks.place(self.signals, lambda ts_ns: footprint_x(series, ts_ns), moved=moved)

    def set_review(self, review: TripReview | None) -> None:
        super().set_review(review)
        self._place_trip_marks()

    def _place_trip_marks(self, now_ns: int = 0) -> bool:
        """The reviewed trip on this chart's bars, as far as the replay has got; True if changed."""
        if self.model is None:
            return self.trip_marks.set_marks([], [])
        series = self.model.series
        offset_ns = review_offset_ns(self.review, self.market)

        def x_of(ts_ns: int) -> float | None:
            return footprint_x(series, ts_ns + offset_ns)

        # the frame clock's market time, else the newest print: nothing the replay has not reached
        now = now_ns if now_ns > 0 else newest_receive_ns(self.market)
        return self.trip_marks.set_marks(*place_trip(self.review, x_of, now, _column_end))

    def _place_fill_marks(self, *, moved: bool, now_ns: int = 0) -> bool:
        """Put the account's fills and trips on this chart's bars; True if the marks changed."""
        if self.model is None:
            return self.fill_marks.set_marks([], [])
        series = self.model.series
        offset_ns = exchange_offset_ns(self.market)

        def x_of(ts_ns: int) -> float | None:
            return footprint_x(series, ts_ns + offset_ns)

        until = now_ns if now_ns > 0 else newest_receive_ns(self.market)
        return self.fill_marks.place(self.paper.fills, self.paper.trips, x_of, moved=moved, until_ns=until)

    def _marks_stale(self, last_before: int) -> bool:
        """A new bar moves the marks only of fills in (or after) the bar that was the newest."""
        m = self.model
        fills = self.paper.fills
        if m is None or not fills or m.last_index == last_before:
            return False
        bar = m.bar(last_before)
        return bar is None or fills[-1].ts_ns >= bar.start_ns

    def _visible_range(self) -> tuple[int, int, int, int]:
        r = self.vb.viewRect()
        return (
            math.floor(r.left() + 0.5),
            math.ceil(r.right() - 0.5),
            math.floor(r.top()),
            math.ceil(r.bottom()),
        )

    def _follow(self, reset_zoom: bool = False) -> None:
        """Keep the newest bar and the last price in view; `reset_zoom` applies the default zoom.

        The default zoom needs a bar (its price) and a laid-out view (its size in pixels); until
        both exist it stays pending and is applied by the first `_follow` that has them, so a view
        opened on an empty market does not keep pyqtgraph's 0..1 range (one giant cell).
        """
        if reset_zoom:
            self._zoom_pending = True
        m = self.model
        if m is None or m.last_index < m.first_index:
            return
        reset_zoom = self._zoom_pending
        laid_out = self.vb.width() > 50 and self.vb.height() > 50
        self._zoom_pending = reset_zoom and not laid_out  # a guess from a tiny view is redone later
        if reset_zoom:
            self._auto_zoom = True
        last = m.last_index
        r = self.vb.viewRect()
        default_bars = max(6, min(DEFAULT_BARS, int(self.vb.width()) // 105)) if laid_out else DEFAULT_BARS
        width = default_bars if reset_zoom or r.width() <= 0 else r.width()
        x1 = last + 0.5 + 0.15 * min(width, DEFAULT_BARS) / DEFAULT_BARS
        x1 += self.session_profile.margin_bars(width, self.vb.width())
        bar = m.bar(last)
        assert bar is not None
        price = bar.close_ticks
        g = self.settings_value.group_ticks
        stats_px = self.item.stats_height_px if self.item is not None else 0
        if reset_zoom or r.height() <= 0:
            h = self.vb.height() if laid_out else 600.0
            span = max(4.0, h / ROW_PX) * g
            y1 = price + g / 2 + (span - stats_px / ROW_PX * g) / 2
            # row edges on whole pixels: none falls on half a pixel, where rounding could go
            # either way between a redraw and the cached bands (widgets/footprint/item.py)
            y1 = round(y1 * h / span) * span / h
            y0 = y1 - span
        else:
            y0, y1 = r.top(), r.bottom()
            h = max(1.0, self.vb.height())
            stats_ticks = stats_px / h * (y1 - y0)
            span = y1 - y0
            cells = span - stats_ticks
            margin = 0.1 * span
            if price > y1 - margin:
                shift = price - (y1 - 0.3 * cells)  # the price ends 30 % of the cells below the top
            elif price < y0 + stats_ticks + margin:
                shift = price - (y0 + stats_ticks + 0.3 * cells)
            else:
                shift = 0.0
            if abs(shift) > cells:  # a jump: centre the price
                mid = price + stats_ticks / 2
                y0, y1 = mid - span / 2, mid + span / 2
            elif shift:
                # whole pixels: the closed bars' pixels are then moved, not drawn again
                px_per_tick = h / span
                shift = round(shift * px_per_tick) / px_per_tick
                y0, y1 = y0 + shift, y1 + shift
        x0 = x1 - width
        eps = 1e-9 * max(1.0, abs(y1) + abs(x1))
        if all(abs(a - b) <= eps for a, b in zip((x0, x1, y0, y1), _edges(r), strict=True)):
            return  # nothing moves: setRange would still re-render both axes
        self._adjusting = True
        try:
            self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        finally:
            self._adjusting = False

    def _on_resized(self, *_: Any) -> None:
        """While the zoom is the default one, a new size keeps rows readable (the dock's first
        layouts, or the trader resizing the dock before zooming) instead of stretching them."""
        if self._following and (self._zoom_pending or self._auto_zoom):
            self._follow(reset_zoom=True)

    def _on_manual_range(self, *_: Any) -> None:
        if self._adjusting or self.model is None:
            return
        self._auto_zoom = False
        if self.vb.viewRect().right() < self.model.last_index + 0.5:
            self._following = False


def _edges(r: QtCore.QRectF) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) of a view rect (y up: top() is the low price)."""
    return r.left(), r.right(), r.top(), r.bottom()
