"""Every frame with new prints puts them on screen, scrolling the rows it has and painting only the new
ones: the tape's pixels after each frame equal a full repaint."""

from __future__ import annotations

from PySide6 import QtCore, QtGui

from app.core.market import MarketState
from tests.widgets.tape.test_tape_view import BUY, SELL, feed
from widgets.tape import TapeView
from widgets.tape.model import TapeRow
from widgets.tape.row_shift import row_shift


def on_screen(view: TapeView) -> QtGui.QImage:
    """The view as the window's backing store holds it (what the offscreen screen grabs)."""
    shot = QtGui.QGuiApplication.primaryScreen().grabWindow(view.winId(), 0, 0, view.width(), view.height())
    return shot.toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)


class PaintedArea(QtCore.QObject):
    def __init__(self) -> None:
        super().__init__()
        self.pixels: list[int] = []
        self.on = False  # a grab paints too: count only the frames' own paints

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if self.on and event.type() == QtCore.QEvent.Type.Paint:
            assert isinstance(event, QtGui.QPaintEvent)
            self.pixels.append(sum(r.width() * r.height() for r in event.region()))
        return False


def shown_tape(qtbot, market: MarketState) -> TapeView:
    view = TapeView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitUntil(lambda: view.windowHandle() is not None and view.windowHandle().isExposed())
    view.set_market(market)
    view.repaint()
    return view


def test_each_frame_of_prints_is_painted_at_once_and_only_the_new_rows_are(qtbot, btcusdt) -> None:
    market = MarketState(btcusdt)
    view = shown_tape(qtbot, market)
    feed(view, market, [(i, 600_000 + i % 5, 3, BUY if i % 2 else SELL) for i in range(40)])  # a full screen
    view.paint_now()
    painted = PaintedArea()
    view.canvas.viewport().installEventFilter(painted)
    viewport = view.canvas.viewport().width() * view.canvas.viewport().height()
    for i in range(40):  # more frames than the scrollbar's catch-up interval
        t = 100 + 10 * i
        rows = [(t, 600_000 + i % 7, 5 + i, BUY if i % 3 else SELL)] * (
            1 + i % 2
        )  # one order, one or two prints
        assert feed(view, market, rows, first_id=100 + 2 * i)
        painted.on = True
        view.paint_now()
        painted.on = False
        full = view.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
        assert on_screen(view) == full, f"frame {i}: the screen is not what a full repaint shows"
    assert painted.pixels and max(painted.pixels) < viewport / 4  # a row or two a frame, not the tape


def row(row_id: int, qty: int = 1) -> TapeRow:
    return TapeRow(row_id, "00:00:00", 1, "BUY", "1.0", "0.001", 1, "", 0, "", qty, False, 0.1)


def test_row_shift_finds_the_new_rows_on_top_and_the_rows_that_grew() -> None:
    old = [row(5), row(4, 2), row(3), row(2)]
    new = [row(7), row(6), row(5, 9), row(4, 2)]  # two new orders; order 5 took another print
    shift = row_shift(old, new)
    assert shift is not None and shift.rows == 2 and shift.dirty == (0, 1, 2)
    assert row_shift(old, old) == type(shift)(0, ())
    assert row_shift(old, [row(9), row(8), row(1), row(0)]) is None  # not a push from the top
    assert row_shift(old, old[:3]) is None
