"""The trader's fills and round trips on the footprint and CVD charts: where they are, that they paint."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from app.core.events import Side
from app.core.footprint import BarSpec, FootprintSeries
from app.core.market import Changed, MarketState
from app.core.paper.entry import EntryState
from app.core.paper.orders import Fill, Liquidity
from app.core.paper.snapshot import PaperSnapshot, RoundTrip
from app.core.tape import TradeColumns
from widgets.base import palette
from widgets.base.fill_marks import WIN, FillMark, footprint_x
from widgets.cvd import CvdView
from widgets.footprint import FootprintView

SEC = 10**9
T0 = 1_723_161_600 * SEC  # a minute boundary
P = 600_000


def prints():
    rows = [
        (T0 + 1 * SEC, P, 1, -1),
        (T0 + 2 * SEC, P + 1, 10, 1),
        (T0 + 3 * SEC, P + 2, 12, 1),
        (T0 + 30 * SEC, P + 3, 15, 1),
        (T0 + 59 * SEC, P + 12, 5, 1),
        (T0 + 61 * SEC, P + 2, 30, -1),
        (T0 + 62 * SEC, P + 1, 3, -1),
        (T0 + 90 * SEC, P + 1, 4, 1),
        (T0 + 110 * SEC, P - 7, 8, -1),
    ]
    return [(t, t, p, q, s, i) for i, (t, p, q, s) in enumerate(rows)]


@pytest.fixture
def market(btcusdt):
    m = MarketState(btcusdt)
    m.apply_trades(TradeColumns.from_rows(prints()))
    return m


def fill(t_s, side, price, oid):
    return Fill(T0 + int(t_s * SEC), oid, side, price, 5, Liquidity.TAKER, 0.01)


# bought at 60000.3 after 30 s, sold at 60000.1 in minute 1: a 2-tick loss a lot
FILLS = (fill(30, Side.BUY, P + 3, 1), fill(90, Side.SELL, P + 1, 2))
TRIP = RoundTrip(1, Side.BUY, 5, T0 + 30 * SEC, T0 + 90 * SEC, P + 3, P + 1, -10, 0.02, 0.0001)


def account(fills=FILLS, trips=(TRIP,)):
    return PaperSnapshot(version=1, fills=tuple(fills), trips=tuple(trips), tick_value_quote=0.0001)


@pytest.fixture
def footprint(qtbot, market):
    v = FootprintView()
    qtbot.addWidget(v)
    v.resize(700, 520)
    v.show()
    qtbot.waitUntil(lambda: v.vb.height() > 300)
    v.apply_settings({"show_stats": False})
    v.set_market(market)
    v.vb.setRange(xRange=(-0.6, 2.0), yRange=(P - 12, P + 16), padding=0)
    return v


def test_fill_time_maps_to_its_bar_and_place_in_it():
    series = FootprintSeries(BarSpec.time(60))
    for t, _, p, q, s, _ in prints():
        series.add_trade(t, p, q, s)
    assert footprint_x(series, T0 + 30 * SEC) == pytest.approx(0.0)  # middle of bar 0
    assert footprint_x(series, T0 + 90 * SEC) == pytest.approx(1.0)  # middle of bar 1
    assert footprint_x(series, T0) == pytest.approx(-0.4)  # the start of bar 0
    assert footprint_x(series, T0 - SEC) is None  # before the first bar


def test_footprint_marks_are_the_fills_in_view(footprint):
    assert footprint.watches & Changed.ACCOUNT
    assert footprint.fill_marks.marks() == []
    footprint.set_paper(account(), EntryState())
    assert footprint.refresh(Changed.ACCOUNT, T0 + 110 * SEC)
    marks = footprint.fill_marks.marks()
    assert [(round(m.x), m.price_ticks, m.side) for m in marks] == [
        (0, P + 3, Side.BUY),
        (1, P + 1, Side.SELL),
    ]
    (line,) = footprint.fill_marks.trip_lines()
    assert (line.x0, line.x1) == pytest.approx((0.0, 1.0))
    assert (line.price0_ticks, line.price1_ticks, line.win, line.label) == (P + 3, P + 1, False, "-2 t")
    # the chart moves on to bar 1 alone: the buy of bar 0 is no longer drawn
    footprint.vb.setXRange(0.55, 2.0, padding=0)
    assert [m.order_id for m in footprint.fill_marks.marks()] == [2]
    # and a price range below the fills: none
    footprint.vb.setRange(xRange=(-0.6, 2.0), yRange=(P - 40, P - 20), padding=0)
    assert footprint.fill_marks.marks() == []


def test_no_account_change_no_rebuild(footprint):
    footprint.set_paper(account(), EntryState())
    assert footprint.refresh(Changed.ACCOUNT, T0 + 110 * SEC)
    drawn = footprint.fill_marks.all_marks()
    assert not footprint.refresh(Changed.ACCOUNT, T0 + 110 * SEC)  # same fills: nothing to repaint
    assert not footprint.refresh(Changed.NONE, T0 + 110 * SEC)
    assert footprint.fill_marks.all_marks() == drawn


def test_after_a_seek_back_fills_the_replay_has_not_reached_wait_until_it_does(footprint, qtbot, market):
    footprint.set_paper(account(), EntryState())  # the account remembers a buy at 30 s, a sell at 90 s
    cvd = CvdView()
    qtbot.addWidget(cvd)
    cvd.set_market(market)
    cvd.set_paper(account(), EntryState())

    footprint.refresh(Changed.ACCOUNT, T0 + 40 * SEC)  # the replay is at 40 s again
    cvd.refresh(Changed.ACCOUNT, T0 + 40 * SEC)
    at_40 = ([m.order_id for m in footprint.fill_marks.all_marks()[0]], footprint.fill_marks.trip_lines())
    cvd_at_40 = [m.order_id for m in cvd.fill_marks.all_marks()[0]]
    footprint.refresh(Changed.NONE, T0 + 95 * SEC)  # it reaches the sell, with no account change
    cvd.refresh(Changed.NONE, T0 + 95 * SEC)

    assert at_40 == ([1], []) and cvd_at_40 == [1]
    assert [m.order_id for m in footprint.fill_marks.all_marks()[0]] == [1, 2]
    assert [m.order_id for m in cvd.fill_marks.all_marks()[0]] == [1, 2]
    assert len(footprint.fill_marks.trip_lines()) == 1


def _count(img: QtGui.QImage, colour: QtGui.QColor, rect: QtCore.QRect) -> int:
    img = img.copy(rect).convertToFormat(QtGui.QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), -1)
    return int(((arr & 0xFFFFFF) == (colour.rgb() & 0xFFFFFF)).sum())


def _device(view, item, mark: FillMark, y_offset: float) -> QtCore.QPoint:
    """Where a mark's tip is in the view's own pixels."""
    scene = item.mapToScene(QtCore.QPointF(mark.x, mark.price_ticks + y_offset))
    graphics = view.findChildren(type(view.plot) if hasattr(view, "plot") else type(view._glw))[0]
    return graphics.mapTo(view, graphics.mapFromScene(scene))


def test_footprint_really_paints_the_triangles(footprint):
    buy = FILLS[0]
    before = footprint.grab().toImage()
    footprint.set_paper(account(), EntryState())
    footprint.refresh(Changed.ACCOUNT, T0 + 110 * SEC)
    footprint.paint_now()
    after = footprint.grab().toImage()
    after.save("/tmp/footprint_fill_marks.png")
    (mark,) = [m for m in footprint.fill_marks.marks() if m.order_id == buy.order_id]
    tip = _device(footprint, footprint.fill_marks, mark, 0.5)
    below = QtCore.QRect(tip.x() - 4, tip.y() + 2, 9, 6)  # the ▲ hangs below its price
    assert _count(after, palette.BUY, below) > 10
    assert _count(before, palette.BUY, below) == 0
    sell = next(m for m in footprint.fill_marks.marks() if m.order_id == 2)
    tip = _device(footprint, footprint.fill_marks, sell, 0.5)
    assert _count(after, palette.SELL, QtCore.QRect(tip.x() - 4, tip.y() - 8, 9, 6)) > 10  # ▼ above


def test_cvd_marks_on_the_price_pane(qtbot, market):
    v = CvdView()
    qtbot.addWidget(v)
    v.resize(900, 600)
    v.show()
    v.apply_settings({"timeframe_s": 5})
    v.set_market(market)
    v.refresh(Changed.ALL, T0 + 110 * SEC)
    v._price_plot.getViewBox().setRange(
        xRange=(T0 / SEC - 5, T0 / SEC + 120), yRange=(P - 12, P + 16), padding=0
    )
    v._following = False
    before = v.grab().toImage()
    v.set_paper(account(), EntryState())
    assert v.refresh(Changed.ACCOUNT, T0 + 110 * SEC)
    marks = v.fill_marks.marks()
    assert [(m.x, m.price_ticks) for m in marks] == [(T0 / SEC + 30, P + 3), (T0 / SEC + 90, P + 1)]
    assert v.fill_marks.trip_lines()[0].x1 == T0 / SEC + 90
    v.paint_now()
    after = v.grab().toImage()
    after.save("/tmp/cvd_fill_marks.png")
    tip = _device(v, v.fill_marks, marks[0], 0.0)
    below = QtCore.QRect(tip.x() - 4, tip.y() + 2, 9, 6)
    assert _count(after, palette.BUY, below) > 10 and _count(before, palette.BUY, below) == 0


def test_a_winning_trip_is_teal_and_labelled_with_a_plus(footprint):
    win = RoundTrip(2, Side.SELL, 5, T0 + 30 * SEC, T0 + 90 * SEC, P + 3, P + 1, 10, 0.0, 0.0001)
    footprint.set_paper(account(trips=(win,)), EntryState())
    footprint.refresh(Changed.ACCOUNT, T0 + 110 * SEC)
    (line,) = footprint.fill_marks.trip_lines()
    assert line.win and line.label == "+2 t"
    footprint.paint_now()
    img = footprint.grab().toImage()
    assert _count(img, WIN, img.rect()) > 10


def test_fills_on_the_receive_clock_land_in_the_bar_of_the_exchange_time(qtbot, btcusdt):
    # prints received 1.5 s before their exchange time (a clock behind the exchange's)
    market = MarketState(btcusdt)
    late = 1_500_000_000
    market.apply_trades(TradeColumns.from_rows([(t, t - late, p, q, s, i) for t, _, p, q, s, i in prints()]))
    view = FootprintView()
    qtbot.addWidget(view)
    view.set_market(market)
    view.refresh(Changed.ALL, T0 + 110 * SEC)
    # a sell filled on the receive clock at 59.0 s is exchange time 60.5 s: minute 1, not minute 0
    sell = Fill(T0 + 59 * SEC, 9, Side.SELL, P + 1, 5, Liquidity.TAKER, 0.01)

    view.set_paper(account(fills=(sell,), trips=()), EntryState())
    view.refresh(Changed.ACCOUNT, T0 + 110 * SEC)

    (mark,) = view.fill_marks.all_marks()[0]
    assert mark.x > 0.5
