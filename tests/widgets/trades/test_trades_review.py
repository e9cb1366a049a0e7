"""Trades (SIM) → Review: the button (once a trade is selected), a double-click and the row's
context menu all ask for a review of that trade; the menu also clears one."""

from __future__ import annotations

import pytest
from PySide6 import QtCore

from app.core.events import Side
from app.core.market import MarketState
from app.core.paper.snapshot import tick_value_quote
from tests.widgets.trades.test_trades_view import P, show, trip
from widgets.trades import TradesView

LEFT = QtCore.Qt.MouseButton.LeftButton


@pytest.fixture
def view(qtbot, btcusdt):
    v = TradesView()
    qtbot.addWidget(v)
    v.resize(960, 420)
    v.show()
    v.set_market(MarketState(btcusdt))
    tv = tick_value_quote(btcusdt)
    show(v, (trip(1, Side.BUY, P, P + 6, tv=tv), trip(2, Side.SELL, P + 10, P + 4, tv=tv)))
    return v


def test_the_review_button_works_on_the_selected_trade_only(view, qtbot) -> None:
    asked: list[int] = []
    view.review_requested.connect(asked.append)
    assert not view.review_button.isEnabled()  # nothing selected yet

    rect = view.table.visualRect(view.model.index(1, 3))  # row 1: trip 1, the older one
    qtbot.mouseClick(view.table.viewport(), LEFT, pos=rect.center())
    qtbot.mouseClick(view.review_button, LEFT)

    assert view.review_button.isEnabled()
    assert asked == [1]


def test_a_double_click_reviews_that_trade(view, qtbot) -> None:
    asked: list[int] = []
    view.review_requested.connect(asked.append)

    rect = view.table.visualRect(view.model.index(0, 2))  # row 0: trip 2, the newest
    qtbot.mouseClick(view.table.viewport(), LEFT, pos=rect.center())  # a double-click's first press
    qtbot.mouseDClick(view.table.viewport(), LEFT, pos=rect.center())

    assert asked == [2]


def test_the_row_menu_reviews_the_row_or_clears_the_review(view) -> None:
    asked: list[int] = []
    cleared: list[bool] = []
    view.review_requested.connect(asked.append)
    view.review_cleared.connect(lambda: cleared.append(True))

    menu = view.row_menu(1)
    review, clear = menu.actions()
    assert review.text() == "Review trade #1 on its recording"
    review.trigger()
    clear.trigger()
    assert [a.text() for a in view.row_menu(-1).actions()] == ["Clear review"]  # below the rows

    assert asked == [1] and cleared == [True]
    assert not view.review_row(5)  # no such row: nothing asked
    assert asked == [1]
