"""Liquidation marks on the footprint and on the CVD price pane: where, which, and drawn.

The market is the synthetic liquidation cascade through the real decoder and ingest pipeline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6 import QtCore, QtGui

from app.core.events import Liquidation
from app.core.market import Changed, MarketState
from app.core.signals.kinds import SignalKind
from app.feeds.pipeline import IngestPipeline
from app.venues.synthetic import SYNTHETIC
from tests.feeds.synthetic.synth_tools import INSTRUMENT, play
from widgets.base import palette
from widgets.base.fill_marks import footprint_x, seconds_x
from widgets.cvd import CvdView
from widgets.footprint import FootprintView


@pytest.fixture(scope="module")
def cascade_market() -> MarketState:
    session = play(SignalKind.LIQUIDATION_CASCADE, seed=4)
    market = MarketState(INSTRUMENT)
    pipeline = IngestPipeline(SYNTHETIC.decoder(INSTRUMENT), SYNTHETIC.book_sync(INSTRUMENT), market)
    for k in range(0, len(session.lines), 50):
        pipeline.feed(session.lines[k : k + 50])
    assert len(market.liquidations) >= 5
    return market


def shown(qtbot, view, market, **config):
    qtbot.addWidget(view)
    view.resize(1000, 800)
    view.show()
    qtbot.waitExposed(view)
    view.set_market(market)
    if config:
        assert view.apply_settings({**view.settings(), **config}) == []
    view.refresh(Changed.ALL, market.last_trade_ns or 0)
    return view


def test_cvd_marks_every_liquidation_at_its_time_and_price(qtbot, cascade_market):
    view = shown(qtbot, CvdView(), cascade_market)
    marks = view.liquidation_marks.all_marks()
    liqs = cascade_market.liquidations
    assert [(m.x, m.price_ticks, m.side, m.qty_lots) for m in marks] == [
        (seconds_x(liq.exchange_ns), liq.price_ticks, liq.side, liq.qty_lots) for liq in liqs
    ]
    assert max(m.half_px for m in marks) == max(
        m.half_px for m in marks if m.qty_lots == max(q.qty_lots for q in liqs)
    )


def test_footprint_marks_sit_in_the_bar_of_their_time_and_the_filter_keeps_the_big_ones(
    qtbot, cascade_market
):
    sizes = sorted(liq.qty_lots for liq in cascade_market.liquidations)
    cut = sizes[len(sizes) // 2]
    view = shown(qtbot, FootprintView(), cascade_market, liq_min_lots=cut)
    series = view.model.series
    marks = view.liquidation_marks.all_marks()
    big = [liq for liq in cascade_market.liquidations if liq.qty_lots >= cut]
    assert 0 < len(marks) == len(big) < len(sizes)
    assert [(m.x, m.price_ticks) for m in marks] == [
        (footprint_x(series, liq.exchange_ns), liq.price_ticks) for liq in big
    ]
    assert view.apply_settings({**view.settings(), "show_liquidations": False}) == []
    view.refresh(Changed.NONE, 0)
    assert view.liquidation_marks.marks() == []


def test_a_new_liquidation_is_drawn_in_violet_where_it_happened(qtbot, cascade_market):
    market = MarketState(INSTRUMENT)
    market.apply_trades(cascade_market.tape.all())
    view = shown(qtbot, CvdView(), market)
    last = market.tape.last(1)
    ts, price = int(last.exchange_ns[0]), int(last.price_ticks[0])
    market.apply_liquidation(Liquidation(ts, ts, 1, price, 5_000, Decimal(0), 0))
    assert view.refresh(market.take_changes(), ts)
    (mark,) = view.liquidation_marks.marks()
    assert (mark.x, mark.price_ticks, mark.side) == (seconds_x(ts), price, 1)
    vb = view._price_plot.getViewBox()
    pt = view._glw.mapFromScene(vb.mapViewToScene(QtCore.QPointF(mark.x, price)))
    img = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
    near = {
        img.pixelColor(round(pt.x()) + dx, round(pt.y()) + dy).rgb() & 0xFFFFFF
        for dx in (-3, -2, 2, 3)
        for dy in (-1, 0, 1)
    }
    fill = QtGui.QColor(palette.LIQUIDATION)
    assert any(abs(QtGui.QColor(c).red() - fill.red()) < 40 and abs(QtGui.QColor(c).blue() - fill.blue()) < 40
               and QtGui.QColor(c).blue() > 180 for c in near)  # fmt: skip
