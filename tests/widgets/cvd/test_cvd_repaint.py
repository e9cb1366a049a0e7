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
