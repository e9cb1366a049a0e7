"""The ladder repaints only the cells that changed, and what it leaves on screen equals a full repaint."""

from __future__ import annotations

import random

from PySide6 import QtCore, QtGui

from app.core.instrument import Instrument
from app.core.market import Changed, MarketState
from tests.widgets.ladder.test_ladder_view import T0, P, book_around, diff, make_view, prints
from widgets.ladder import LadderView


class PaintRegions(QtCore.QObject):
    """Records the region of every paint event the canvas gets."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QtGui.QRegion] = []

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            assert isinstance(event, QtGui.QPaintEvent)
            self.regions.append(QtGui.QRegion(event.region()))
        return False


def shown(qtbot, market: MarketState, height: int = 500) -> LadderView:
    """A ladder on screen: exposed and painted once in full, so later paints are the frames' own."""
    view = make_view(qtbot, market, height=height)
    qtbot.waitUntil(lambda: view.windowHandle().isExposed())
    view.repaint()
    return view


def frame(view: LadderView, changed: int) -> bool:
    """One frame as the frame clock runs it: refresh, then paint what it marked."""
    due = view.refresh(changed, T0)
    if due:
        view.paint_now()
    return due


def on_screen(view: LadderView) -> QtGui.QImage:
    """The canvas as the window's backing store holds it (the offscreen screen grabs from it)."""
    top = view.canvas.mapTo(view.window(), QtCore.QPoint(0, 0))
    canvas = view.canvas
    shot = QtGui.QGuiApplication.primaryScreen().grabWindow(
        view.window().winId(), top.x(), top.y(), canvas.width(), canvas.height()
    )
    return shot.toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)


def repainted(view: LadderView) -> QtGui.QImage:
    return view.canvas.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)


def test_one_bid_size_changing_repaints_only_its_bid_and_pull_stack_cells(qtbot, btcusdt: Instrument) -> None:
    market = MarketState(btcusdt)
    book_around(market, P)
    view = shown(qtbot, market)
    view.apply_settings({"centering": "static"})
    frame(view, Changed.ALL)
    view.repaint()  # the new settings' full repaint, before the frame under test
    seen = PaintRegions()
    view.canvas.installEventFilter(seen)
    diff(market, [(P - 5, 7)], [])  # 6 lots -> 7: the bid and its stacking change, nothing else
    assert frame(view, Changed.BOOK)
    assert view.model.dirty_cells == {view.canvas.row_index_of(P - 5): frozenset({"bid", "ps_bid"})}
    painted = QtGui.QRegion()
    for region in seen.regions:
        painted = painted.united(region)
    bid, ps_bid = view.cell_rect(P - 5, "bid"), view.cell_rect(P - 5, "ps_bid")
    footer_top = view.cell_rect(view.rows()[-1].price_ticks, "bid").bottom() + 1
    assert bid is not None and ps_bid is not None
    cells = QtGui.QRegion(bid.adjusted(-1, 0, 1, 0)).united(ps_bid.adjusted(-1, 0, 1, 0))
    rows_painted = painted.subtracted(QtGui.QRegion(0, footer_top, view.canvas.width(), 100))
    assert not rows_painted.isEmpty()
    assert rows_painted.subtracted(cells).isEmpty()  # no other cell of any row was painted again
    assert view.canvas.cell_rect(P - 5, "price") is not None
    assert not rows_painted.intersects(view.canvas.cell_rect(P - 5, "price"))


def test_frames_of_cell_repaints_leave_what_a_full_repaint_draws(qtbot, btcusdt: Instrument) -> None:
    market = MarketState(btcusdt)
    book_around(market, P)
    view = shown(qtbot, market, height=600)
    view.apply_settings({"centering": "ticks", "recenter_ticks": 4})
    frame(view, Changed.ALL)
    rng = random.Random(7)
    mid = P
    for step in range(60):
        if step % 15 == 14:
            mid += rng.choice((-6, 6))  # the inside market walks: rows shift, the best prices move
            book_around(market, mid, update_id=step + 2)
        else:
            levels = [(mid - rng.randrange(0, 20), rng.randrange(0, 60)) for _ in range(3)]
            asks = [(mid + 1 + rng.randrange(0, 20), rng.randrange(0, 60)) for _ in range(3)]
            diff(market, levels, asks)
            side = rng.choice((1, -1))
            prints(market, [(T0 + step, mid + (1 if side > 0 else 0), rng.randrange(1, 40), side)])
        frame(view, Changed.BOOK | Changed.TAPE)
        assert on_screen(view) == repainted(view), f"frame {step}: the screen differs from a full repaint"
