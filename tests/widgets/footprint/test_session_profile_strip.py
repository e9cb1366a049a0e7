"""The session volume profile at the footprint's right edge: POC, VAH, VAL at the right prices."""

from __future__ import annotations

from PySide6 import QtCore, QtGui

from app.core.market import Changed, MarketState
from app.core.profile import VolumeProfile
from app.core.sessions import DAY_NS
from app.core.tape import TradeColumns
from widgets.base import palette
from widgets.footprint import FootprintView
from widgets.footprint.profile_item import STRIP_PX

SEC = 10**9
MIDNIGHT = 19944 * DAY_NS  # 2024-08-09 00:00 UTC, a session boundary of the default schedule
P = 600_000

ROWS = [
    (MIDNIGHT - 30 * SEC, P + 40, 500, 1),  # yesterday: a huge level that must not show today
    (MIDNIGHT + 1 * SEC, P, 2, -1),
    (MIDNIGHT + 2 * SEC, P + 1, 10, 1),
    (MIDNIGHT + 3 * SEC, P + 2, 12, 1),
    (MIDNIGHT + 4 * SEC, P + 3, 3, -1),
    (MIDNIGHT + 61 * SEC, P + 2, 9, -1),
    (MIDNIGHT + 62 * SEC, P - 1, 1, 1),
]


def make_view(qtbot, rows=ROWS):
    market = MarketState(_btc())
    market.apply_trades(TradeColumns.from_rows([(t, t, p, q, s, i) for i, (t, p, q, s) in enumerate(rows)]))
    view = FootprintView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_market(market)
    view.refresh(Changed.ALL, market.last_trade_ns or 0)
    return view, market


def _btc():
    from app.venues.registry import resolve_instrument

    return resolve_instrument("binance-usdm", "BTCUSDT")


def today_profile():
    prof = VolumeProfile()
    for t, p, q, s in ROWS:
        if t >= MIDNIGHT:
            prof.add_trade(p, q, s)
    return prof


def test_strip_holds_todays_session_only_with_its_poc_and_value_area(qtbot):
    view, _ = make_view(qtbot)
    shape = view.session_profile.item.shape_value
    assert shape is not None
    prof = today_profile()
    keys, vols = shape.rows()
    assert keys.tolist() == [P - 1, P, P + 1, P + 2, P + 3]
    assert vols.tolist() == [1, 2, 10, 21, 3]
    assert shape.rows(P, P + 1)[1].tolist() == [2, 10]  # the rows in view only
    assert shape.poc_ticks == prof.poc_ticks() == P + 2
    assert (shape.val_ticks, shape.vah_ticks) == prof.value_area(0.7) == (P + 1, P + 2)


def strip_colours_at(view, price_ticks):
    """Colours in the strip's columns on the row of a price (centre of its cell)."""
    img = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
    vb = view.vb
    pt = view.plot.mapFromScene(vb.mapViewToScene(QtCore.QPointF(0, price_ticks + 0.5)))
    right = view.plot.mapFromScene(vb.mapViewToScene(vb.viewRect().bottomRight())).x()
    y = round(pt.y())
    return {img.pixelColor(x, y).rgb() & 0xFFFFFF for x in range(int(right) - STRIP_PX + 2, int(right) - 1)}


def test_the_poc_row_is_painted_in_the_highlight_colour_in_the_strip(qtbot):
    view, _ = make_view(qtbot)
    # naked POC lines run to the right edge in the same colour: off, so the strip alone is seen
    assert view.apply_settings({**view.settings(), "show_naked_poc": False}) == []
    highlight = palette.HIGHLIGHT.rgb() & 0xFFFFFF
    assert highlight in strip_colours_at(view, P + 2)
    assert highlight not in strip_colours_at(view, P + 1)
    assert view.settings()["show_session_profile"] is True  # on by default
    assert view.apply_settings({**view.settings(), "show_session_profile": False}) == []
    assert highlight not in strip_colours_at(view, P + 2)


def test_the_newest_bar_stays_clear_of_the_strip(qtbot):
    view, _ = make_view(qtbot)
    vb = view.vb
    newest_right = view.plot.mapFromScene(vb.mapViewToScene(QtCore.QPointF(1.5, P))).x()
    view_right = view.plot.mapFromScene(vb.mapViewToScene(vb.viewRect().bottomRight())).x()
    assert newest_right <= view_right - STRIP_PX


def test_a_quiet_market_starts_a_new_profile_at_the_next_boundary(qtbot):
    view, market = make_view(qtbot)
    view.refresh(Changed.NONE, MIDNIGHT + DAY_NS + 1)
    shape = view.session_profile.item.shape_value
    assert shape is not None and shape.rows()[0].size == 0 and shape.poc_ticks is None
    market.apply_trades(TradeColumns.from_rows([(MIDNIGHT + DAY_NS + 5, 0, P + 7, 4, 1, 99)]))
    view.refresh(market.take_changes(), MIDNIGHT + DAY_NS + 5)
    shape = view.session_profile.item.shape_value
    assert shape is not None and shape.rows()[0].tolist() == [P + 7] and shape.poc_ticks == P + 7
