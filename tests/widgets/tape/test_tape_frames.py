"""Every frame with new prints puts them on screen: the tape's pixels after a frame equal a full repaint."""

from __future__ import annotations

from PySide6 import QtCore, QtGui

from app.core.market import MarketState
from tests.widgets.tape.test_tape_view import BUY, SELL, feed
from widgets.tape import TapeView


def on_screen(view: TapeView) -> QtGui.QImage:
    """The view as the window's backing store holds it (what the offscreen screen grabs)."""
    shot = QtGui.QGuiApplication.primaryScreen().grabWindow(view.winId(), 0, 0, view.width(), view.height())
    return shot.toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)


def test_each_frame_of_prints_is_painted_at_once_not_when_the_scrollbar_next_moves(qtbot, btcusdt) -> None:
    market = MarketState(btcusdt)
    view = TapeView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitUntil(lambda: view.windowHandle() is not None and view.windowHandle().isExposed())
    view.set_market(market)
    view.repaint()
    for i in range(40):  # more frames than the scrollbar's catch-up interval
        assert feed(view, market, [(10 * i, 600_000 + i % 7, 5 + i, BUY if i % 3 else SELL)], first_id=i + 1)
        view.paint_now()
        full = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
        assert on_screen(view) == full, f"frame {i}: the screen still shows older prints"
    assert QtCore.QSize(500, 400) == view.size()
