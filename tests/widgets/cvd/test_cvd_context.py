"""Mark price, funding with its countdown, and open interest on the CVD chart (hand-fed events)."""

from __future__ import annotations

from decimal import Decimal

from app.core.events import MarkPrice, OpenInterest
from app.core.market import Changed, MarketState
from app.core.sessions import DAY_NS
from app.core.tape import TradeColumns
from widgets.cvd import CvdView
from widgets.cvd.context import countdown_text, funding_text

SEC = 10**9
MIDNIGHT = 19944 * DAY_NS
NEXT_FUNDING = MIDNIGHT + 8 * 3600 * SEC


def make(qtbot, btcusdt, **config):
    market = MarketState(btcusdt)
    market.apply_trades(TradeColumns.from_rows([(MIDNIGHT + SEC, MIDNIGHT + SEC, 600_000, 5, 1, 1)]))
    view = CvdView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    if config:
        assert view.apply_settings({**view.settings(), **config}) == []
    view.set_market(market)
    view.show()
    qtbot.waitExposed(view)
    view.refresh(market.take_changes(), MIDNIGHT + SEC)
    return view, market


def mark(ts, rate="0.0001"):
    return MarkPrice(ts, ts, Decimal("60001.23456"), Decimal("60000.5"), Decimal(rate), NEXT_FUNDING)


def test_helpers_say_the_countdown_and_the_rate_as_a_trader_reads_them():
    assert countdown_text(2 * 3600 * SEC + 13 * 60 * SEC + 5 * SEC) == "2:13:05"
    assert countdown_text(2 * 3600 * SEC + 13 * 60 * SEC + 4 * SEC + 1) == "2:13:05"  # rounded up
    assert countdown_text(0) == "now"
    assert funding_text(Decimal("0.0001")) == "+0.0100%"
    assert funding_text(Decimal("-0.000375")) == "-0.0375%"


def test_the_line_is_hidden_until_context_arrives_then_shows_mark_funding_and_the_countdown(qtbot, btcusdt):
    view, market = make(qtbot, btcusdt)
    assert not view.context.label.isVisible() and view.context.text == ""
    market.apply_mark(mark(MIDNIGHT + 2 * SEC))
    now = NEXT_FUNDING - (3600 + 120 + 7) * SEC
    assert view.refresh(market.take_changes(), now)
    assert view.context.label.isVisible()
    assert view.context.label.text() == "Mark 60001.2   ·   Funding +0.0100% in 1:02:07"
    # a second later, with nothing new from the venue, the countdown still moves
    assert view.refresh(Changed.DERIVATIVES, now + SEC)
    assert view.context.text.endswith("in 1:02:06")
    assert not view.refresh(Changed.DERIVATIVES, now + SEC + 1)  # same text: nothing repainted


def test_open_interest_text_and_its_pane_of_changes_per_bar(qtbot, btcusdt):
    view, market = make(qtbot, btcusdt)
    assert view.settings()["show_open_interest"] is False  # off by default
    assert not view.context.pane_shown
    for ts, oi in [
        (MIDNIGHT + 5 * SEC, "81000.000"),
        (MIDNIGHT + 65 * SEC, "81012.500"),
        (MIDNIGHT + 70 * SEC, "80990"),
    ]:
        market.apply_open_interest(OpenInterest(ts, ts, Decimal(oi)))
        view.refresh(market.take_changes(), ts)
    assert view.context.text == "OI 80,990.0 BTC (Δ bar -10)"  # 80 990 − 81 000 over the second bar
    assert view.apply_settings({**view.settings(), "show_open_interest": True}) == []
    view.refresh(Changed.DERIVATIVES, MIDNIGHT + 70 * SEC)
    assert view.context.pane_shown and view.context.plot.isVisible()
    x, change = view.context.item.values()
    assert x.tolist() == [MIDNIGHT / SEC + 30, MIDNIGHT / SEC + 90]
    assert change.tolist() == [0.0, -10_000.0]  # lots of 0.001 BTC
    assert view.apply_settings({**view.settings(), "timeframe_s": 300}) == []
    view.refresh(Changed.DERIVATIVES, MIDNIGHT + 70 * SEC)
    assert view.context.item.values()[1].tolist() == [-10_000.0]  # re-binned from the reports
    assert view.apply_settings({**view.settings(), "show_open_interest": False}) == []
    assert not view.context.pane_shown
