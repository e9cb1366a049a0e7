"""Liquidations on the tape: their own LIQ rows among the prints, by time, with a size filter.

The market is the synthetic liquidation cascade read back through the real decoder and the real
ingest pipeline (the stream's Liquidation events and the prints they caused)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6 import QtGui

from app.core.events import Liquidation
from app.core.market import Changed, MarketState
from app.core.signals.kinds import SignalKind
from app.feeds.pipeline import IngestPipeline
from app.venues.synthetic import SYNTHETIC
from tests.feeds.synthetic.synth_tools import INSTRUMENT, play
from widgets.base import palette
from widgets.tape import TapeView


@pytest.fixture(scope="module")
def cascade_market() -> MarketState:
    session = play(SignalKind.LIQUIDATION_CASCADE, seed=4)
    market = MarketState(INSTRUMENT)
    pipeline = IngestPipeline(SYNTHETIC.decoder(INSTRUMENT), SYNTHETIC.book_sync(INSTRUMENT), market)
    for k in range(0, len(session.lines), 50):
        pipeline.feed(session.lines[k : k + 50])
    assert len(market.liquidations) >= 5
    return market


def tall_view(qtbot, market, **config) -> TapeView:
    view = TapeView()
    qtbot.addWidget(view)
    view.resize(520, 4000)
    view.show()
    qtbot.waitExposed(view)
    view.set_market(market)
    if config:
        assert view.apply_settings({**view.settings(), **config}) == []
    view.refresh(Changed.ALL, 0)
    return view


def liq_rows(view):
    return [r for r in view.visible_rows() if r.liquidation]


def test_each_liquidation_on_screen_is_its_own_row_with_side_size_and_marker(qtbot, cascade_market):
    view = tall_view(qtbot, cascade_market, mode="raw")
    rows = view.visible_rows()
    by_id = {-1 - liq.exchange_ns: liq for liq in cascade_market.liquidations}
    shown = liq_rows(view)
    assert shown, "the cascade's liquidations are on screen"
    oldest_print = min(r.row_id for r in rows if not r.liquidation)
    oldest_ns = int(view.model.log.columns(oldest_print, oldest_print + 1).exchange_ns[0])
    expected = [liq for liq in cascade_market.liquidations if liq.exchange_ns >= oldest_ns]
    assert len(shown) == min(len(expected), len(rows))
    for row in shown:
        liq = by_id[row.row_id]
        assert row.prints_text == "LIQ"
        assert row.side_text == ("BUY" if liq.side > 0 else "SELL")
        assert row.sweep_text == ("short" if liq.side > 0 else "long")  # whose position was closed
        assert row.size_text == INSTRUMENT.qty_str(liq.qty_lots)
        assert row.price_text == INSTRUMENT.price_str(liq.price_ticks)
    times = [r.time_text for r in rows]
    assert times == sorted(times, reverse=True)  # LIQ rows sit among the prints by time


def test_the_size_filter_and_the_switch_hide_liquidations(qtbot, cascade_market):
    sizes = sorted(liq.qty_lots for liq in cascade_market.liquidations)
    cut = sizes[len(sizes) // 2]
    view = tall_view(qtbot, cascade_market, liq_min_lots=cut)
    assert liq_rows(view) and all(r.qty_lots >= cut for r in liq_rows(view))
    assert view.apply_settings({**view.settings(), "liq_min_lots": sizes[-1] + 1}) == []
    assert liq_rows(view) == []
    assert view.apply_settings({**view.settings(), "liq_min_lots": 0, "show_liquidations": False}) == []
    assert liq_rows(view) == []


def test_a_new_liquidation_alone_repaints_the_tape_with_a_violet_edged_row_on_top(qtbot, cascade_market):
    market = MarketState(INSTRUMENT)
    market.apply_trades(cascade_market.tape.all())
    view = tall_view(qtbot, market)
    assert view.refresh(market.take_changes(), 0) is False  # nothing new
    newest = int(market.tape.all().exchange_ns[-1])
    market.apply_liquidation(Liquidation(newest + 5, newest + 6, -1, 612_340, 4_321, Decimal("61234.0"), 0))
    assert view.refresh(market.take_changes(), 0) is True
    top = view.visible_rows()[0]
    assert top.liquidation and top.side_text == "SELL" and top.size_text == INSTRUMENT.qty_str(4_321)
    item = view._item
    image = view.canvas.grab().toImage()
    y = int(item.header_h + item.row_h / 2)
    assert QtGui.QColor(image.pixel(1, y)) == palette.LIQUIDATION
    assert QtGui.QColor(image.pixel(1, int(y + item.row_h))) != palette.LIQUIDATION
