"""What a live frame of the CVD chart repaints: the open bar's strip, not the pane."""

from __future__ import annotations

from app.core.market import MarketState
from app.core.sessions import DAY_NS
from app.core.tape import TradeColumns
from widgets.cvd import CvdView

SEC = 10**9
MIDNIGHT = 19944 * DAY_NS  # 2024-08-09 00:00 UTC


def _market(btcusdt, prints):
    market = MarketState(btcusdt)
    market.apply_trades(TradeColumns.from_rows([(t, t, p, q, s, k) for k, (t, p, q, s) in enumerate(prints)]))
    return market


def _print(market, row):
    """row: (exchange_ns, price_ticks, qty_lots, side, seq)."""
    t_ns, price, qty, side, seq = row
    market.apply_trades(TradeColumns.from_rows([(t_ns, t_ns, price, qty, side, seq)]))


def test_a_print_in_the_only_bar_repaints_its_strip_not_the_pane(qtbot, btcusdt, monkeypatch):
    # A fresh replay's first minute has one bar: it is the open bar, and only it changes.
    market = _market(btcusdt, [(MIDNIGHT + SEC, 1000, 5, 1), (MIDNIGHT + 2 * SEC, 1010, 5, -1)])
    view = CvdView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.set_market(market)
    view.refresh(market.take_changes(), MIDNIGHT + 2 * SEC)
    items = {"candles": view._price_candles, "cvd line": view._cvd_line, "vwap": view.vwap.item}
    marked: dict[str, list[tuple[object, ...]]] = {name: [] for name in items}
    for name, item in items.items():
        original = item.update
        monkeypatch.setattr(item, "update", lambda *a, n=name, o=original: (marked[n].append(a), o(*a)))
    _print(market, (MIDNIGHT + 3 * SEC, 1005, 2, 1, 9))
    assert view.refresh(market.take_changes(), MIDNIGHT + 3 * SEC)
    for name, calls in marked.items():
        assert calls, name
        assert all(len(args) == 1 for args in calls), f"{name} repainted its whole pane: {calls}"
        view_rect = items[name].viewRect()
        for (rect,) in calls:
            assert rect.width() < view_rect.width() / 4, name  # the bar's strip (one of ~30 bars)


def _eleven_bars_shown(qtbot, btcusdt):
    """A shown CVD view over ten closed 1-minute bars and an open eleventh, refreshed once."""
    prints = [(MIDNIGHT + k * 60 * SEC + SEC, 1000 + 7 * (k % 3), 5, 1 - 2 * (k % 2)) for k in range(11)]
    market = _market(btcusdt, prints)
    view = CvdView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_market(market)
    view.refresh(market.take_changes(), prints[-1][0])
    return view, market, prints


def test_closed_candles_are_built_once_and_drawn_from_then_on(qtbot, btcusdt, monkeypatch):
    # Ten closed 1-minute candles and an open one; each frame changes only the open one.
    view, market, prints = _eleven_bars_shown(qtbot, btcusdt)
    full = view.grab().toImage()  # paints every candle once: the closed ones' paths are kept
    candles = view._price_candles
    built: list[tuple[int, int]] = []
    original = candles._candle_paths

    def counting(i0, i1, body):
        built.append((i0, i1))
        return original(i0, i1, body)

    monkeypatch.setattr(candles, "_candle_paths", counting)
    view.grab()
    assert built == []  # the same frame again: nothing rebuilt
    _print(market, (prints[-1][0] + SEC, 1003, 1, 1, 99))
    assert view.refresh(market.take_changes(), prints[-1][0] + SEC)
    again = view.grab().toImage()
    assert built == []  # only the open candle changed: drawn from plain floats, no closed path rebuilt
    assert again != full  # and it did change (its close moved)
    # A new bar closes the old open one: its path is built, once, with the others'.
    _print(market, (prints[-1][0] + 60 * SEC, 1001, 1, -1, 100))
    assert view.refresh(market.take_changes(), prints[-1][0] + 60 * SEC)
    view.grab()
    view.grab()
    assert len(built) == 1


def test_lines_keep_their_closed_part_and_append_the_open_point(qtbot, btcusdt, monkeypatch):
    # The CVD line and the five VWAP lines: a frame in the open bar rebuilds none of their paths.
    view, market, prints = _eleven_bars_shown(qtbot, btcusdt)
    view.grab()
    built: list[str] = []
    for name, item in (("cvd line", view._cvd_line), ("vwap", view.vwap.item)):
        original = item._polyline
        monkeypatch.setattr(item, "_polyline", lambda *a, n=name, o=original: (built.append(n), o(*a))[1])
    _print(market, (prints[-1][0] + SEC, 1003, 1, 1, 99))
    assert view.refresh(market.take_changes(), prints[-1][0] + SEC)
    view.grab()
    assert built == []
    _print(market, (prints[-1][0] + 60 * SEC, 1001, 1, -1, 100))  # a new bar: each line's closed part grows
    assert view.refresh(market.take_changes(), prints[-1][0] + 60 * SEC)
    view.grab()
    view.grab()
    assert sorted(built) == ["cvd line"] + ["vwap"] * 5
