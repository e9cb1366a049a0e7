"""The open bar's column kept as pixels: a print redraws only the rows it changed, and what is on
screen is what a full redraw gives."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from app.core.market import Changed, MarketState
from app.core.tape import TradeColumns
from widgets.footprint import FootprintView
from widgets.footprint.open_column import OpenColumn, candle_span, changed_groups, row_bands, row_state

from .test_footprint_view import SEC, T0, P, prints


def _pixels(img: QtGui.QImage) -> np.ndarray:
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    return np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), -1).copy()


def _on_screen(view: FootprintView) -> np.ndarray:
    """What the frames so far left in the window (not a fresh render, as grab() would be)."""
    return _pixels(QtGui.QGuiApplication.primaryScreen().grabWindow(view.winId()).toImage())


@pytest.fixture
def chart(qtbot, btcusdt):
    market = MarketState(btcusdt)
    market.apply_trades(TradeColumns.from_rows(prints()))
    v = FootprintView()
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    qtbot.waitExposed(v)
    qtbot.waitUntil(lambda: v.vb.height() > 300)
    v.set_market(market)
    v.follow_latest(reset_zoom=True)
    v.repaint()
    qtbot.wait(30)
    return v, market


def _print(view, market, row):
    """One print (exchange ns, price, lots, side, id) into the market, and the frame it makes."""
    ts_ns, price, qty, side, trade_id = row
    market.apply_trades(TradeColumns.from_rows([(ts_ns, ts_ns, price, qty, side, trade_id)]))
    assert view.refresh(Changed.TAPE, ts_ns)
    view.paint_now()


def test_a_print_redraws_only_its_rows_and_the_screen_equals_a_full_redraw(qtbot, chart, monkeypatch):
    view, market = chart
    _print(view, market, (T0 + 70 * SEC, P + 1, 1, 1, 59))  # the column is drawn once in full
    qtbot.wait(50)  # the window's last layout settles
    _print(view, market, (T0 + 71 * SEC, P + 1, 1, 1, 60))
    drawn: list[QtCore.QRect] = []
    moved: list[bool] = []
    recording = [False]
    original = OpenColumn.update

    def record(self, key, rect, state, *, dy, own, damage, compose):
        if not recording[0]:
            return original(self, key, rect, state, dy=dy, own=own, damage=damage, compose=compose)
        moved.append(key != self.key or dy != self.dy)  # the chart moved (the follow)

        def counted(p, clip):
            drawn.append(QtCore.QRect(clip))
            compose(p, clip)

        return original(self, key, rect, state, dy=dy, own=own, damage=damage, compose=counted)

    monkeypatch.setattr(OpenColumn, "update", record)
    kept = 0
    for i, (price, side) in enumerate(((P + 1, 1), (P + 2, -1), (P - 7, 1), (P + 1, -1))):
        drawn.clear()
        moved.clear()
        recording[0] = True
        _print(view, market, (T0 + (72 + i) * SEC, price, 1 + i, side, 61 + i))
        recording[0] = False
        assert drawn, "the print changed a cell: its rows are drawn again"
        if not any(moved):
            kept += 1
            column = view.item._column.rect
            assert all(r.height() < column.height() / 2 for r in drawn), drawn  # rows, not it all
        screen = _on_screen(view)
        view.item.invalidate()
        view.repaint()
        assert (screen == _on_screen(view)).all()  # the kept pixels are the full redraw's
        view.item.invalidate()
        view.repaint()  # the next print starts from kept pixels again
        _print(view, market, (T0 + (72 + i) * SEC, price, 1, side, 70 + i))
    assert kept >= 2  # most prints did not move the chart: their rows alone were drawn


def test_changed_groups_and_bands():
    from app.core.footprint import BarSpec, FootprintSeries
    from app.core.footprint_view_model import analyse_bar

    s = FootprintSeries(BarSpec.time(60))
    s.add_trades([T0, T0 + 1, T0 + 2], [100, 101, 105], [5, 5, 5], [1, -1, 1])

    def state():
        bar = s.open_bar
        a = analyse_bar(bar, 0, None, imbalance_ratio=3, imbalance_min_lots=0)
        return row_state(a, np.zeros(int(a.price_ticks[-1] - a.price_ticks[0]) + 1, dtype=np.uint32))

    before = state()
    s.add_trade(T0 + 3, 103, 2, -1)  # a new group inside the range: that group (and its imbalances)
    changed = changed_groups(before, state(), 1)
    assert changed is not None and 103 in changed.tolist() and 101 not in changed.tolist()
    before = state()
    s.add_trade(T0 + 4, 110, 1, 1)  # a new high: the column is drawn in full
    assert changed_groups(before, state(), 1) is None
    column = QtCore.QRect(0, 0, 100, 500)
    bands = row_bands(np.array([10, 11, 20]), np.array([11, 12, 21]), -10.0, 300.0, column)
    # y = -10 * price + 300: groups 10 and 11 touch (one band), 20 is apart
    assert [(b.top(), b.bottom()) for b in bands] == [(88, 102), (178, 202)]  # 2 px of spill each side
    assert candle_span((1, 5, 0, 2), (1, 5, 0, 2)) is None
    assert candle_span((1, 5, 0, 2), (1, 5, 0, 3)) == (2, 4)  # the body's moving end
    assert candle_span((1, 5, 0, 2), (1, 5, 0, 0)) == (0, 3)  # it turned down: the whole body


def test_following_the_price_scrolls_the_kept_pixels_and_equals_a_full_redraw(qtbot, chart):
    """A move by whole pixels scrolls the kept column and draws only the rows that came into
    view; what is on screen is then a full redraw's picture (up to the one pixel row where a cell
    edge on exactly half a pixel may round either way, as for the closed bars' bands)."""
    view, market = chart
    _print(view, market, (T0 + 70 * SEC, P + 1, 1, 1, 59))
    qtbot.wait(50)
    column = view.item._column
    px_per_tick = view.vb.height() / view.vb.viewRect().height()
    for rows_px in (32, -48, 7):
        pixmap = column.pixmap
        view.vb.translateBy(y=rows_px / px_per_tick)
        view.repaint()
        assert column.pixmap is pixmap  # the same pixels, scrolled (a full redraw makes new ones)
        moved = _on_screen(view)
        view.item.invalidate()
        view.repaint()
        full = _on_screen(view)
        assert (moved != full).any(axis=1).sum() <= 2, rows_px
