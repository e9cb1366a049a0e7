"""The CVD chart: what it shows on known prints, the replayed recording, settings, following."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6 import QtCore, QtGui

from app.core.cvd_series import DivergenceKind
from app.core.market import Changed, MarketState
from app.core.sessions import DAY_NS
from app.core.tape import TradeColumns
from widgets.base import palette
from widgets.cvd import CvdView

SEC = 10**9
MIDNIGHT = 19944 * DAY_NS  # 2024-08-09 00:00 UTC


def market_with(btcusdt, prints):
    """prints: (exchange_ns, price_ticks, qty_lots, side)."""
    market = MarketState(btcusdt)
    market.apply_trades(TradeColumns.from_rows([(t, t, p, q, s, k) for k, (t, p, q, s) in enumerate(prints)]))
    return market


def make_view(qtbot, market=None, **config):
    view = CvdView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    if config:
        assert view.apply_settings(config) == []
    view.set_market(market)
    if market is not None:
        view.refresh(Changed.ALL, market.last_trade_ns or 0)
    return view


def colours_present(view):
    img = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint32, img.width() * img.height()).copy()
    return {int(c) & 0xFFFFFF for c in np.unique(arr)}


def rgb(color):
    return color.rgb() & 0xFFFFFF


def test_story_replayed_market_last_cvd_close_is_the_markets_cvd(qtbot, replayed_market):
    view = make_view(qtbot, replayed_market)
    closes = view.cvd_closes()
    assert closes.shape[0] >= 5  # ~6 minutes of prints on 1 min bars
    assert int(closes[-1]) == replayed_market.cvd.cvd_lots == view.cvd_lots()
    bars = view.shown_bars()
    assert int(bars.price_close[-1]) == int(replayed_market.tape.last(1).price_ticks[0])
    assert int(bars.price_high.max()) == replayed_market.high_ticks
    assert int(bars.price_low.min()) == replayed_market.low_ticks
    price_head, cvd_head = view.headers()
    assert price_head.startswith("BTCUSDT 1m")
    assert cvd_head.endswith(f"{replayed_market.instrument.qty_str(replayed_market.cvd.cvd_lots)} BTC")


@pytest.mark.parametrize(("price_style", "cvd_style"), [("candles", "candles"), ("line", "line")])
def test_story_both_styles_paint_something(qtbot, replayed_market, price_style, cvd_style):
    view = make_view(qtbot, replayed_market, timeframe_s=5, price_style=price_style, cvd_style=cvd_style)
    seen = colours_present(view)
    assert len(seen) > 8
    if price_style == "candles":
        assert rgb(palette.BUY) in seen and rgb(palette.SELL) in seen  # up and down candles
    else:
        assert rgb(palette.TEXT) in seen and rgb(palette.BUY_STRONG) in seen  # the two lines


def test_story_hand_built_bars_are_exact(qtbot, btcusdt):
    prints = [
        (MIDNIGHT + 1 * SEC, 100, 5, 1),
        (MIDNIGHT + 20 * SEC, 103, 3, -1),
        (MIDNIGHT + 59 * SEC, 101, 7, 1),
        (MIDNIGHT + 60 * SEC, 99, 10, -1),
        (MIDNIGHT + 61 * SEC, 104, 4, 1),
    ]
    view = make_view(qtbot, market_with(btcusdt, prints))
    b = view.shown_bars()
    price = zip(b.price_open, b.price_high, b.price_low, b.price_close, strict=True)
    assert [tuple(map(int, r)) for r in price] == [
        (100, 103, 100, 101),
        (99, 104, 99, 104),
    ]
    cvd = zip(b.cvd_open, b.cvd_high, b.cvd_low, b.cvd_close, strict=True)
    assert [tuple(map(int, r)) for r in cvd] == [
        (0, 9, 0, 9),
        (9, 9, -1, 3),
    ]


def test_story_session_reset_at_midnight_and_never(qtbot, btcusdt):
    prints = [(MIDNIGHT - 90 * SEC, 100, 5, 1), (MIDNIGHT - 10 * SEC, 101, 2, 1), (MIDNIGHT + SEC, 99, 3, -1)]
    market = market_with(btcusdt, prints)
    view = make_view(qtbot, market)
    assert view.cvd_closes().tolist() == [5, 7, -3]
    assert view.shown_bars().cvd_open.tolist() == [0, 5, 0]
    assert view.reset_lines_s() == [MIDNIGHT / SEC]
    view.apply_settings({"session_reset": "never"})
    assert view.cvd_closes().tolist() == [5, 7, 4]
    assert view.reset_lines_s() == []
    assert "no reset" in view.headers()[1]


def test_story_quiet_midnight_resets_without_a_print(qtbot, btcusdt):
    market = market_with(btcusdt, [(MIDNIGHT - 5 * SEC, 100, 5, 1)])
    view = make_view(qtbot, market)
    assert view.cvd_lots() == 5
    assert not view.refresh(Changed.NONE, MIDNIGHT - SEC)  # nothing new: no repaint
    assert view.refresh(Changed.NONE, MIDNIGHT + SEC)
    assert view.cvd_lots() == 0
    assert view.reset_lines_s() == [MIDNIGHT / SEC]


def test_story_size_filter(qtbot, btcusdt):
    prints = [(MIDNIGHT + SEC, 100, 2, 1), (MIDNIGHT + 2 * SEC, 102, 10, -1), (MIDNIGHT + 3 * SEC, 99, 5, 1)]
    view = make_view(qtbot, market_with(btcusdt, prints), min_size_lots=5)
    b = view.shown_bars()
    assert (int(b.cvd_open[0]), int(b.cvd_high[0]), int(b.cvd_low[0]), int(b.cvd_close[0])) == (0, 0, -10, -5)
    assert "trades ≥ 0.005" in view.headers()[1]
    view.apply_settings({"min_size_lots": 0})
    assert view.cvd_closes().tolist() == [-3]


def divergence_prints(deltas):
    prices = [100, 105, 110, 104, 102, 106, 111, 115, 108, 103]
    pairs = enumerate(zip(prices, deltas, strict=True))
    return [(MIDNIGHT + i * SEC, p, abs(d), 1 if d > 0 else -1) for i, (p, d) in pairs]


def test_story_scripted_bearish_divergence_is_marked_on_both_panes(qtbot, btcusdt):
    # Price: swing highs 110 (bar 2) then 115 (bar 7); CVD highs 60 then 50: a lower high.
    market = market_with(btcusdt, divergence_prints([10, 20, 30, -20, -10, 5, 10, 5, -10, -10]))
    view = make_view(qtbot, market, timeframe_s=1)
    divs = view.divergences()
    assert [(d.kind, d.prev_bar, d.bar, d.price_ticks, d.cvd_lots) for d in divs] == [
        (DivergenceKind.BEARISH, 2, 7, 115, 50)
    ]
    price_marks, cvd_marks = view.marks()
    assert [(m.x_s, m.y, m.bearish) for m in price_marks] == [((MIDNIGHT + 7 * SEC) / SEC + 0.5, 115, True)]
    assert [(m.y, m.prev_y) for m in cvd_marks] == [(50, 60)]
    assert rgb(palette.SELL) in colours_present(view)  # the bearish triangle (no candle is orange here)


def test_story_no_divergence_when_cvd_confirms(qtbot, btcusdt):
    market = market_with(btcusdt, divergence_prints([10, 20, 30, -20, -10, 5, 30, 20, -10, -10]))
    view = make_view(qtbot, market, timeframe_s=1)
    assert view.divergences() == []
    assert view.marks() == ([], [])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(-3, 3), st.integers(1, 9)), min_size=1, max_size=80),
    st.lists(st.integers(1, 20), max_size=10),
)
def test_property_incremental_refresh_equals_one_shot(qtbot, btcusdt, steps, cuts):
    t, price, prints = MIDNIGHT - 200 * SEC, 1000, []
    for gap, move, qty in steps:
        t += gap * SEC
        price += move
        prints.append((t, price, qty, 1 if move >= 0 else -1))
    live = MarketState(btcusdt)
    view = make_view(qtbot, live, timeframe_s=15)
    rows = [(t, t, p, q, s, k) for k, (t, p, q, s) in enumerate(prints)]
    i = 0
    for cut in [*cuts, len(rows)]:
        if rows[i : i + cut]:
            live.apply_trades(TradeColumns.from_rows(rows[i : i + cut]))
            view.refresh(live.take_changes(), int(rows[min(i + cut, len(rows)) - 1][0]))
        i += cut
    if i < len(rows):
        live.apply_trades(TradeColumns.from_rows(rows[i:]))
        view.refresh(live.take_changes(), prints[-1][0])
    whole = make_view(qtbot, market_with(btcusdt, prints), timeframe_s=15)
    for a, b in zip(view.shown_bars(), whole.shown_bars(), strict=True):
        assert a.tolist() == b.tolist()
    assert view.divergences() == whole.divergences()
    assert view.cvd_lots() == live.cvd.cvd_lots


def test_settings_round_trip_garbage_and_unknown_keys(qtbot, replayed_market):
    view = make_view(qtbot, replayed_market)
    custom = {
        "timeframe_s": 5,
        "session_reset": "13:30",
        "min_size_lots": 100,
        "price_style": "line",
        "cvd_style": "candles",
        "divergence_lookback": 50,
        "show_vwap": False,
        "show_liquidations": False,
        "liq_min_lots": 50,
        "show_open_interest": True,
    }
    assert view.apply_settings(custom) == []
    assert view.settings() == custom
    other = make_view(qtbot, replayed_market)
    assert other.apply_settings(view.settings()) == []
    assert other.settings() == view.settings()
    assert other.cvd_closes().tolist() == view.cvd_closes().tolist()
    garbage = {
        "timeframe_s": 7,
        "session_reset": "25:00",
        "min_size_lots": -1,
        "price_style": True,
        "cvd_style": None,
        "divergence_lookback": "20",
        "bogus": 1,
    }
    problems = view.apply_settings(garbage)
    assert len(problems) == 6
    assert view.settings() == make_view(qtbot).settings()
    assert view.apply_settings([1, 2]) != []  # not even a mapping: reported, no raise
    assert view.grab().width() == 900


def test_follow_latest_and_user_pan(qtbot, replayed_market):
    view = make_view(qtbot, replayed_market, timeframe_s=5)
    last_x = float(view.shown_bars().start_ns[-1]) / SEC
    x0, x1 = view.x_range_s()
    assert x0 < last_x < x1 and view.following
    vb = view._price_plot.getViewBox()
    vb.translateBy(x=-300.0)  # what a mouse drag does...
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])  # ...and says
    assert not view.following
    assert view.x_range_s()[1] < last_x
    view.follow_latest()
    assert view.following
    assert view.x_range_s()[0] < last_x < view.x_range_s()[1]
    qtbot.keyClick(view, QtCore.Qt.Key.Key_End)
    assert view.following


def test_context_menu_changes_settings(qtbot, replayed_market):
    view = make_view(qtbot, replayed_market)
    menu = view.build_menu()
    titles = [a.text() for a in menu.actions()]
    for title in ("Bar timeframe", "Session reset (UTC)", "Min trade size", "Price pane", "CVD pane"):
        assert title in titles
    sub = next(a.menu() for a in menu.actions() if a.text() == "Bar timeframe")
    five = next(a for a in sub.actions() if a.text() == "5s")
    emitted = []
    view.settings_changed.connect(lambda: emitted.append(True))
    five.trigger()
    assert emitted == [True]
    assert view.settings()["timeframe_s"] == 5
    assert len(view.cvd_closes()) > 20
    sizes = next(a.menu() for a in menu.actions() if a.text() == "Min trade size")
    assert "≥ 0.100" in [a.text() for a in sizes.actions()]


def test_story_fresh_replay_fits_the_few_bars_it_has(qtbot, btcusdt):
    # Three 1-minute bars: a 30-bar window ending just after them, not two empty hours.
    prints = [(MIDNIGHT + k * 60 * SEC + SEC, 100 + k, 5, 1) for k in range(3)]
    view = make_view(qtbot, market_with(btcusdt, prints))
    x0, x1 = view.x_range_s()
    first, last = MIDNIGHT / SEC, (MIDNIGHT + 3 * 60 * SEC) / SEC  # bars cover [first, last)
    assert x0 <= first
    assert last < x1 <= last + 2 * 60
    assert 29 <= (x1 - x0) / 60 <= 32
    assert view.following
    # The window grows with the bars until it holds the default number, then slides.
    many = [(MIDNIGHT + k * 60 * SEC + SEC, 100, 5, 1) for k in range(300)]
    view = make_view(qtbot, market_with(btcusdt, many))
    x0, x1 = view.x_range_s()
    assert 118 <= (x1 - x0) / 60 <= 130
    assert x1 > (MIDNIGHT + 300 * 60 * SEC) / SEC


def test_ticks_inside_the_range_do_not_move_it(qtbot, btcusdt):
    # A tick inside the open bar repaints the bar, never the axes: x and y ranges stay put.
    market = market_with(btcusdt, [(MIDNIGHT + SEC, 1000, 5, 1), (MIDNIGHT + 2 * SEC, 1100, 5, -1)])
    view = make_view(qtbot, market)
    vb = view._price_plot.getViewBox()
    before = [list(r) for r in vb.viewRange()]
    market.apply_trades(TradeColumns.from_rows([(MIDNIGHT + 3 * SEC, MIDNIGHT + 3 * SEC, 1050, 1, 1, 9)]))
    assert view.refresh(market.take_changes(), MIDNIGHT + 3 * SEC)
    assert [list(r) for r in vb.viewRange()] == before
    assert int(view.price_closes()[-1]) == 1050
    # A new high far outside the range re-fits y to show it.
    market.apply_trades(TradeColumns.from_rows([(MIDNIGHT + 4 * SEC, MIDNIGHT + 4 * SEC, 3000, 1, 1, 10)]))
    view.refresh(market.take_changes(), MIDNIGHT + 4 * SEC)
    assert vb.viewRange()[1][1] > 3000
