"""The CVD chart's session VWAP with 1σ/2σ bands: placed at the exact prices, reset per session."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from app.core.market import Changed, MarketState
from app.core.sessions import DAY_NS
from app.core.tape import TradeColumns
from widgets.cvd import CvdView
from widgets.cvd.vwap_item import VWAP_COLOUR

SEC = 10**9
MIDNIGHT = 19944 * DAY_NS  # 2024-08-09 00:00 UTC


def market_with(btcusdt, prints):
    market = MarketState(btcusdt)
    market.apply_trades(TradeColumns.from_rows([(t, t, p, q, s, k) for k, (t, p, q, s) in enumerate(prints)]))
    return market


def make_view(qtbot, market, **config):
    view = CvdView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    if config:
        assert view.apply_settings(config) == []
    view.set_market(market)
    view.show()
    qtbot.waitExposed(view)
    view.refresh(Changed.ALL, market.last_trade_ns or 0)
    return view


PRINTS = [
    (MIDNIGHT - 50 * SEC, 100, 1, 1),  # yesterday's session: must not weigh in today's VWAP
    (MIDNIGHT + 5 * SEC, 100, 1, 1),
    (MIDNIGHT + 20 * SEC, 110, 3, -1),
    (MIDNIGHT + 70 * SEC, 120, 4, 1),
]


def test_vwap_and_bands_sit_at_the_sessions_exact_prices_per_bar(qtbot, btcusdt):
    view = make_view(qtbot, market_with(btcusdt, PRINTS))
    lines = view.vwap.item.lines()
    x = view.vwap.item.x_s()
    # one point per bar: yesterday's lone print, then today's two bars
    assert x.tolist() == [(MIDNIGHT - 60 * SEC) / SEC + 30, MIDNIGHT / SEC + 30, MIDNIGHT / SEC + 90]
    assert lines[0.0].tolist() == [100.0, 107.5, 113.75]
    sigma1 = math.sqrt((1 * 7.5**2 + 3 * 2.5**2) / 4)
    sigma2 = math.sqrt(103_900 / 8 - 113.75**2)
    assert lines[1.0][1:] == pytest.approx([107.5 + sigma1, 113.75 + sigma2])
    assert lines[-2.0][1:] == pytest.approx([107.5 - 2 * sigma1, 113.75 - 2 * sigma2])
    assert lines[1.0][0] == lines[-1.0][0] == 100.0  # a lone price: no spread


def pixels_near(view, x_s, y_ticks, radius=2):
    vb = view._price_plot.getViewBox()
    pt = view._glw.mapFromScene(vb.mapViewToScene(QtCore.QPointF(x_s, y_ticks)))
    img = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
    ratio = img.devicePixelRatio()
    cx, cy = round(pt.x() * ratio), round(pt.y() * ratio)
    return {
        img.pixelColor(cx + dx, cy + dy).rgb() & 0xFFFFFF
        for dx in range(-radius, radius + 1)
        for dy in range(-radius, radius + 1)
    }


def test_the_vwap_line_is_painted_where_it_is_placed_and_the_setting_hides_it(qtbot, btcusdt):
    view = make_view(qtbot, market_with(btcusdt, PRINTS))
    x_mid = (MIDNIGHT / SEC + 30 + MIDNIGHT / SEC + 90) / 2
    y_mid = (107.5 + 113.75) / 2
    want = VWAP_COLOUR.rgb() & 0xFFFFFF
    assert want in pixels_near(view, x_mid, y_mid)
    assert view.settings()["show_vwap"] is True  # on by default
    assert view.apply_settings({**view.settings(), "show_vwap": False}) == []
    assert want not in pixels_near(view, x_mid, y_mid)


def test_vwap_follows_the_charts_session_setting_and_new_prints(qtbot, btcusdt):
    market = market_with(btcusdt, PRINTS)
    view = make_view(qtbot, market, session_reset="never")
    whole_day = np.average([100, 100, 110, 120], weights=[1, 1, 3, 4])
    assert view.vwap.item.lines()[0.0][-1] == pytest.approx(whole_day)
    market.apply_trades(TradeColumns.from_rows([(MIDNIGHT + 80 * SEC, MIDNIGHT + 80 * SEC, 91, 9, -1, 9)]))
    assert view.refresh(market.take_changes(), MIDNIGHT + 80 * SEC)
    expected = (100 + 100 + 330 + 480 + 819) / 18
    assert view.vwap.vwap_ticks() == pytest.approx(expected)
    assert view.vwap.item.lines()[0.0][-1] == pytest.approx(expected)
