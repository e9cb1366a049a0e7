"""Footprint chart: what the trader sees equals the core's bars, settings, follow, paint."""

from __future__ import annotations

import time

import pytest
from PySide6 import QtCore, QtGui

from app.core.footprint import BarSpec, FootprintSeries
from app.core.market import Changed, MarketState
from app.core.tape import TradeColumns
from widgets.base.fmt import compact_qty
from widgets.footprint import FootprintView

SEC = 10**9
T0 = 1_723_161_600 * SEC  # a minute boundary
P = 600_000  # 60000.0 USDT in 0.1 ticks


def prints():
    """Minute 0: buyers lift 4 levels over thin sellers (a stacked buy imbalance); minute 1: sellers."""
    rows = [
        (T0 + 1 * SEC, P, 1, -1),
        (T0 + 2 * SEC, P + 1, 10, 1),
        (T0 + 3 * SEC, P + 2, 12, 1),
        (T0 + 4 * SEC, P + 3, 15, 1),
        (T0 + 5 * SEC, P, 2, 1),
        (T0 + 6 * SEC, P + 12, 5, 1),
        (T0 + 61 * SEC, P + 2, 30, -1),
        (T0 + 62 * SEC, P + 1, 3, -1),
        (T0 + 63 * SEC, P + 1, 4, 1),
        (T0 + 70 * SEC, P - 7, 8, -1),
    ]
    return [(t, t, p, q, s, i) for i, (t, p, q, s) in enumerate(rows)]


@pytest.fixture
def market(btcusdt):
    m = MarketState(btcusdt)
    m.apply_trades(TradeColumns.from_rows(prints()))
    return m


@pytest.fixture
def view(qtbot, market):
    v = FootprintView()
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    v.set_market(market)
    return v


def all_cells(v):
    return v.model.cells(-(10**9), 10**9, -(10**12), 10**12)


def test_cells_equal_the_bars(view, market, btcusdt):
    bars = market.bars.bars
    cells = all_cells(view)
    assert {(c.bar_index, c.price_ticks) for c in cells} == {
        (k, p) for k, bar in enumerate(bars) for p in bar.cells
    }
    for c in cells:
        buy, sell = bars[c.bar_index].cells[c.price_ticks][:2]
        assert (c.buy_lots, c.sell_lots) == (buy, sell)
        assert c.text == f"{compact_qty(btcusdt, sell)} × {compact_qty(btcusdt, buy)}"
    cell = next(c for c in cells if c.bar_index == 0 and c.price_ticks == P)
    assert cell.text == "0.001 × 0.002"
    # default view: the newest bar and the last price are on screen
    assert view.following
    assert {c.bar_index for c in view.visible_cells()} == {0, 1}
    assert any(c.price_ticks == P - 7 for c in view.visible_cells())


def test_cell_modes(view):
    view.apply_settings({"cell_mode": "delta"})
    by_key = {(c.bar_index, c.price_ticks): c for c in all_cells(view)}
    assert by_key[(0, P + 3)].text == "+0.015"
    assert by_key[(0, P)].text == "+0.001"
    assert by_key[(1, P + 2)].text == "-0.03"
    view.apply_settings({"cell_mode": "volume"})
    by_key = {(c.bar_index, c.price_ticks): c for c in all_cells(view)}
    assert by_key[(1, P + 1)].text == "0.007"
    assert by_key[(0, P)].text == "0.003"


def test_grouping_regroups_from_the_tape(view, market):
    view.apply_settings({"group_ticks": 10})
    cells = all_cells(view)
    assert all(c.price_ticks % 10 == 0 for c in cells)
    got = {(c.bar_index, c.price_ticks): (c.buy_lots, c.sell_lots) for c in cells}
    assert got == {(0, P): (39, 1), (0, P + 10): (5, 0), (1, P): (4, 33), (1, P - 10): (0, 8)}
    view.apply_settings({"group_ticks": 1})
    assert len(all_cells(view)) == sum(len(b.cells) for b in market.bars.bars)


def test_poc_value_area_and_imbalances_follow_the_bar_rules(view, market):
    view.apply_settings({"imbalance_ratio_pct": 300, "imbalance_min_lots": 0})
    cells = all_cells(view)
    for k, bar in enumerate(market.bars.bars):
        mine = [c for c in cells if c.bar_index == k]
        assert [c.price_ticks for c in mine if c.is_poc] == [bar.poc_ticks()]
        lo, hi = bar.value_area(0.7)
        assert {c.price_ticks for c in mine if c.in_value_area} == {p for p in bar.cells if lo <= p <= hi}
        want = {(im.price_ticks, im.side) for im in bar.diagonal_imbalances(3)}
        got = {(c.price_ticks, 1) for c in mine if c.buy_imbalance}
        got |= {(c.price_ticks, -1) for c in mine if c.sell_imbalance}
        assert got == want
    # the min-volume filter removes the small ones
    view.apply_settings({"imbalance_min_lots": 11})
    assert {c.price_ticks for c in all_cells(view) if c.bar_index == 0 and c.buy_imbalance} == {P + 2, P + 3}
    stacks = [z for z in view.model.zones() if z.side == 1]
    assert stacks == []  # two levels are no stack
    view.apply_settings({"imbalance_min_lots": 0})
    stacks = [z for z in view.model.zones() if z.side == 1]
    assert [(z.start_index, z.low_ticks, z.high_ticks, z.end_index) for z in stacks] == [(0, P, P + 3, 1)]


def test_stats_rows_equal_bar_values(view, market):
    view.vb.setXRange(-0.5, 1.5, padding=0)
    rows = {r.label: r for r in view.stats_rows()}
    b0, b1 = market.bars.bars
    assert rows["Volume"].values == (b0.volume_lots, b1.volume_lots)
    assert rows["Delta"].values == (b0.delta_lots, b1.delta_lots)
    assert rows["Delta"].texts == ("+0.043", "-0.037")
    assert rows["Max Δ"].values == (b0.max_delta_lots, b1.max_delta_lots)
    assert rows["Min Δ"].values == (b0.min_delta_lots, b1.min_delta_lots)
    assert rows["Δ change"].values == (None, b1.delta_lots - b0.delta_lots)
    assert rows["Trades"].values == (6, 4)
    assert rows["Duration"].texts == ("5.0s", "9.0s")
    view.apply_settings({"show_stats": False})
    assert view.stats_rows() == []


def test_incremental_refresh_and_quiet_market_close(qtbot, btcusdt):
    m = MarketState(btcusdt)
    v = FootprintView()
    qtbot.addWidget(v)
    v.set_market(m)
    assert v.refresh(Changed.ALL, T0) is False
    rows = prints()
    for start in range(0, len(rows), 3):
        m.apply_trades(TradeColumns.from_rows(rows[start : start + 3]))
        assert v.refresh(Changed.TAPE | Changed.BARS, rows[min(start + 2, len(rows) - 1)][0]) is True
    assert v.refresh(Changed.NONE, T0 + 119 * SEC) is False  # minute 1 is not over yet
    assert v.model.series.open_bar is not None
    assert v.refresh(Changed.NONE, T0 + 120 * SEC) is True  # the quiet market closes the open bar
    assert v.model.series.open_bar is None
    assert v.refresh(Changed.NONE, T0 + 121 * SEC) is False
    ref = FootprintSeries(BarSpec.time(60))
    cols = m.tape.all()
    ref.add_trades(cols.exchange_ns, cols.price_ticks, cols.qty_lots, cols.side)
    assert [b.cells for b in v.model.series.bars] == [b.cells for b in ref.bars]


@pytest.mark.slow
def test_replayed_market_bars_equal_the_markets(qtbot, replayed_market):
    v = FootprintView()
    qtbot.addWidget(v)
    v.set_market(replayed_market)
    mine = v.model.series.bars
    theirs = replayed_market.bars.bars
    assert len(mine) == len(theirs) > 3
    for a, b in zip(mine, theirs, strict=True):
        assert a.cells == b.cells
        assert (a.open_ticks, a.high_ticks, a.low_ticks, a.close_ticks) == (
            b.open_ticks, b.high_ticks, b.low_ticks, b.close_ticks,
        )  # fmt: skip
        assert (a.volume_lots, a.delta_lots, a.trades, a.period_start_ns) == (
            b.volume_lots, b.delta_lots, b.trades, b.period_start_ns,
        )  # fmt: skip


def test_view_opened_on_an_empty_market_zooms_when_the_first_prints_arrive(qtbot, btcusdt):
    # the real window: the view is docked and bound before the replay has delivered any print
    m = MarketState(btcusdt)
    v = FootprintView()
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    v.set_market(m)
    assert v.refresh(Changed.ALL, T0) is False
    m.apply_trades(TradeColumns.from_rows(prints()[:3]))
    assert v.refresh(Changed.TAPE | Changed.BARS, T0 + 3 * SEC)
    r = v.vb.viewRect()
    rows = r.height() / v.settings_value.group_ticks
    assert 20 <= rows <= 80, rows  # readable rows of ~16 px, not pyqtgraph's 0..1 (one giant cell)
    assert r.top() <= P + 2 <= r.bottom()  # the last price is on screen
    assert 6 <= r.width() <= 13 and r.right() >= v.model.last_index + 0.5
    # later prints only follow; the zoom the trader sees is not reset again
    v.vb.scaleBy(y=0.5)
    height = v.vb.viewRect().height()
    m.apply_trades(TradeColumns.from_rows(prints()[3:5]))
    assert v.refresh(Changed.TAPE | Changed.BARS, T0 + 5 * SEC)
    assert v.vb.viewRect().height() == pytest.approx(height)


def test_default_zoom_guessed_before_layout_is_redone_when_laid_out(qtbot, market):
    v = FootprintView()
    qtbot.addWidget(v)
    v.set_market(market)  # never shown: the ViewBox has no size yet, the zoom is a guess
    v.resize(900, 700)
    v.show()
    qtbot.waitUntil(lambda: v.vb.height() > 300)
    qtbot.waitUntil(lambda: 20 <= v.vb.viewRect().height() <= 80)
    assert v.vb.viewRect().height() == pytest.approx(v.vb.height() / 16.0, rel=0.05)


def test_follow_does_not_touch_the_range_when_nothing_moves(view, market, monkeypatch):
    calls = []
    original = view.vb.setRange
    monkeypatch.setattr(view.vb, "setRange", lambda *a, **k: (calls.append(k), original(*a, **k)))
    view.follow_latest()
    assert calls == []  # already at the newest bar and price
    market.apply_trades(TradeColumns.from_rows([(T0 + 71 * SEC, T0 + 71 * SEC, P - 6, 1, 1, 50)]))
    assert view.refresh(Changed.TAPE, T0 + 71 * SEC)
    assert calls == []  # a print inside the view: nothing moves
    market.apply_trades(TradeColumns.from_rows([(T0 + 130 * SEC, T0 + 130 * SEC, P - 6, 1, 1, 51)]))
    assert view.refresh(Changed.TAPE, T0 + 130 * SEC)
    assert len(calls) == 1  # a new bar: the chart steps right


def test_panning_away_stops_follow_and_follow_latest_restores(view, market):
    last = view.model.last_index
    assert view.vb.viewRect().right() >= last + 0.5
    # what ViewBox.mouseDragEvent does for a drag to the right
    view.vb.translateBy(x=-5)
    view.vb.sigRangeChangedManually.emit(view.vb.state["mouseEnabled"])
    assert not view.following
    before = view.vb.viewRect()
    market.apply_trades(TradeColumns.from_rows([(T0 + 130 * SEC, 0, P + 1, 2, 1, 99)]))
    assert view.refresh(Changed.TAPE, T0 + 130 * SEC)
    assert view.vb.viewRect() == before  # stays where the user put it
    view.follow_latest()
    assert view.following
    assert view.vb.viewRect().right() >= view.model.last_index + 0.5 > before.right()


def test_end_key_follows_again(view, qtbot):
    from PySide6.QtCore import Qt

    view.vb.translateBy(x=-5)
    view.vb.sigRangeChangedManually.emit(view.vb.state["mouseEnabled"])
    assert not view.following
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.following


def test_settings_round_trip_and_garbage(view):
    view.apply_settings({"bar_kind": "ticks", "bar_size": 3, "group_ticks": 5, "cell_mode": "delta"})
    saved = view.settings()
    assert saved["bar_kind"] == "ticks" and saved["bar_size"] == 3
    assert [sorted(b.cells) for b in view.model.series.bars][:2] == [
        [P],
        [P, P + 10],
    ]  # 3 prints, 5-tick groups
    fresh = FootprintView()
    assert fresh.apply_settings(saved) == []
    assert fresh.settings() == saved
    problems = view.apply_settings(
        {
            "bar_kind": "weekly",
            "group_ticks": 3,
            "cell_mode": 7,
            "show_stats": "yes",
            "nonsense": 1,
            "imbalance_ratio_pct": -5,
            "bar_size": True,
        }
    )
    assert len(problems) == 6
    assert view.settings() == FootprintView().settings()
    assert view.apply_settings("not a dict") != []  # type: ignore[arg-type]


def test_context_menu_changes_settings(view, qtbot):
    menu = view.context_menu()
    grouping = next(a for a in menu.actions() if a.text() == "Price grouping").menu()
    with qtbot.waitSignal(view.settings_changed, timeout=1000):
        next(a for a in grouping.actions() if a.text().startswith("10 ticks")).trigger()
    assert view.settings()["group_ticks"] == 10
    assert all(c.price_ticks % 10 == 0 for c in all_cells(view))


def _not_blank(img: QtGui.QImage) -> bool:
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    return len(colours) > 8


def test_grab_is_not_blank(view):
    assert _not_blank(view.grab().toImage())
    view.apply_settings({"cell_mode": "volume", "show_stats": False})
    assert _not_blank(view.grab().toImage())


@pytest.mark.slow
def test_paint_time_with_hundreds_of_bars(qtbot, replayed_market):
    v = FootprintView()
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    v.apply_settings({"bar_size": 1})
    v.set_market(replayed_market)
    n = v.model.last_index - v.model.first_index + 1
    assert n > 250
    timings = {}
    for name, width in (("zoomed_out", n), ("zoomed_in", 8)):
        v.vb.setXRange(v.model.last_index - width + 0.5, v.model.last_index + 0.5, padding=0)
        v.paint_now()  # first paint builds the closed-bar layer
        t = time.perf_counter()
        for _ in range(10):
            v.item.update()
            v.paint_now()
        timings[name] = (time.perf_counter() - t) / 10
    assert _not_blank(v.grab().toImage())
    print(f"\nfootprint paint ms: { {k: round(s * 1000, 2) for k, s in timings.items()} }")
    assert max(timings.values()) < 0.1


def test_following_the_price_moves_the_closed_bars_pixels_exactly(qtbot, replayed_market):
    """The chart follows the price by whole pixels and moves the cached closed bars instead of
    drawing them again, even by more than half its height (the layer is a view taller above and
    below): the result must be the very picture a full redraw gives."""
    v = FootprintView()
    qtbot.addWidget(v)
    v.resize(700, 520)
    v.show()
    qtbot.waitUntil(lambda: v.vb.height() > 300)
    v.set_market(replayed_market)
    v.follow_latest(reset_zoom=True)
    v.grab()  # builds the closed-bar layer
    before = v.item._layer
    drawn = set(before.tiles)
    px_per_tick = v.vb.height() / v.vb.viewRect().height()
    for rows_px in (48, -80, 7, 300, -290):
        v.vb.translateBy(y=rows_px / px_per_tick)
        moved = _pixels(v.grab().toImage())
        assert v.item._layer is before  # the same bands of pixels, moved
        assert drawn <= set(before.tiles)  # the bands already drawn were not drawn again
        v.item.invalidate()
        full = _pixels(v.grab().toImage())
        # equal up to where a cell edge that falls on exactly half a pixel rounds (one pixel row)
        assert (moved != full).any(axis=1).sum() <= 2, rows_px
        assert (moved != full).mean() < 0.001, rows_px
        before = v.item._layer
        drawn = set(before.tiles)
    v.vb.translateBy(y=0.5 / px_per_tick)  # not whole pixels: drawn again, exactly as from scratch
    shifted = _pixels(v.grab().toImage())
    v.item.invalidate()
    assert (shifted == _pixels(v.grab().toImage())).all()


def _pixels(img: QtGui.QImage):
    import numpy as np

    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    return np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), -1).copy()


def test_a_print_in_the_open_bar_repaints_only_its_column(view, market, monkeypatch):
    marked = []
    original = view.item.update
    monkeypatch.setattr(view.item, "update", lambda *a: (marked.append(a), original(*a)))
    view.vb.setXRange(-0.5, 3.5, padding=0)  # bars 0 and 1 (open) and room to the right
    view.follow_latest()
    marked.clear()
    market.apply_trades(TradeColumns.from_rows([(T0 + 71 * SEC, T0 + 71 * SEC, P - 6, 1, 1, 50)]))
    assert view.refresh(Changed.TAPE, T0 + 71 * SEC)
    (rect,) = marked[-1]
    view_rect = view.vb.viewRect()
    assert rect.left() == pytest.approx(0.5) and rect.right() == pytest.approx(view_rect.right())
    assert rect.top() == pytest.approx(view_rect.top()) and rect.height() == pytest.approx(view_rect.height())
    assert _not_blank(view.grab().toImage())
    # the bar closes: everything is marked (the closed bar moves into the cache)
    assert view.refresh(Changed.NONE, T0 + 120 * SEC)
    assert marked[-1] == ()


def test_window_grab_shows_the_chart_where_the_view_is(qtbot, market):
    """Inside a window (the app's --screenshot) the chart is drawn at its place, not shifted away."""
    from PySide6 import QtWidgets

    window = QtWidgets.QWidget()
    qtbot.addWidget(window)
    layout = QtWidgets.QHBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    spacer = QtWidgets.QWidget()
    spacer.setFixedWidth(300)
    v = FootprintView()
    layout.addWidget(spacer)
    layout.addWidget(v)
    window.resize(1200, 700)
    window.show()
    qtbot.waitUntil(lambda: v.vb.height() > 300)
    v.set_market(market)
    v.follow_latest(reset_zoom=True)
    alone = v.grab().toImage()
    inside = window.grab().toImage().copy(v.geometry())
    assert _not_blank(alone)
    assert (_pixels(inside) == _pixels(alone)).mean() > 0.99


def test_a_paint_draws_only_what_its_exposed_rect_needs(qtbot, view, market, monkeypatch):
    """Qt repaints the open bar's column alone; the paint then draws that bar and no closed bar's
    band outside it; a repaint of a closed bar's column does not draw the open bar at all."""
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.vb.height() > 300)
    view.follow_latest(reset_zoom=True)
    market.apply_trades(TradeColumns.from_rows([(T0 + 70 * SEC, T0 + 70 * SEC, P + 1, 1, 1, 49)]))
    view.refresh(Changed.TAPE, T0 + 70 * SEC)  # settles the follow and the zoom
    view.repaint()  # the closed bars' bands are drawn
    qtbot.wait(50)  # and every update still queued is painted
    bars: list[int] = []
    exposed: list[tuple[float, float]] = []
    paint_bar, paint = view.item._paint_bar, view.item.paint

    def record_paint(p, option=None, *rest):
        exposed.append((option.exposedRect.left(), option.exposedRect.right()))
        return paint(p, option, *rest)

    def record_bar(p, geo, k, v, x_clip=None):
        bars.append(k)
        return paint_bar(p, geo, k, v, x_clip)

    monkeypatch.setattr(view.item, "_paint_bar", record_bar)
    monkeypatch.setattr(view.item, "paint", record_paint)
    market.apply_trades(TradeColumns.from_rows([(T0 + 71 * SEC, T0 + 71 * SEC, P + 1, 1, 1, 50)]))
    assert view.refresh(Changed.TAPE, T0 + 71 * SEC)
    view.paint_now()
    assert bars == [1]  # the open bar, drawn once; the closed bar 0 comes from its cached band
    assert exposed and all(left >= 0.5 - 0.05 for left, _ in exposed), exposed  # its column and right of it
    bars.clear()
    view.item.update(QtCore.QRectF(-0.45, view.vb.viewRect().top(), 0.5, view.vb.viewRect().height()))
    view.paint_now()
    assert bars == []  # a closed bar's column: the open bar is not drawn
