"""Which commands a click or a drag on the ladder means: plain data, no Qt."""

from __future__ import annotations

from app.core.events import Side
from app.core.paper.commands import CancelOrder, MoveOrder, PlaceOrder
from app.core.paper.orders import OrderKind
from widgets.ladder.clicks import Press, click_commands, move_commands
from widgets.ladder.orders import OrderGroup, RowOrders
from widgets.ladder.scale import CalmScale, nice_ceiling

BID, ASK = 600_000, 600_001


def click(column: str, price_ticks: int, own: RowOrders | None = None) -> list:
    return click_commands(
        column, price_ticks, own=own, best_bid_ticks=BID, best_ask_ticks=ASK, size_lots=10, bracket=None
    )


def own_row(price_ticks: int, *order_ids: int) -> RowOrders:
    group = OrderGroup(Side.BUY, "", False, 10, None, order_ids, "0.010", "")
    return RowOrders(price_ticks, (group,))


def test_bid_click_below_the_offer_rests_a_buy_limit() -> None:
    assert click("bid", BID - 2) == [PlaceOrder(Side.BUY, OrderKind.LIMIT, 10, BID - 2, None)]


def test_bid_click_at_the_offer_is_a_buy_stop() -> None:
    assert click("bid", ASK) == [PlaceOrder(Side.BUY, OrderKind.STOP, 10, ASK, None)]


def test_ask_click_at_the_bid_is_a_sell_stop() -> None:
    assert click("ask", BID) == [PlaceOrder(Side.SELL, OrderKind.STOP, 10, BID, None)]


def test_orders_click_cancels_every_order_of_the_row() -> None:
    assert click("orders", BID, own_row(BID, 3, 4)) == [CancelOrder(3), CancelOrder(4)]


def test_a_click_elsewhere_means_nothing() -> None:
    assert click("price", BID) == []


def test_a_drag_moves_the_row_and_a_drop_on_itself_does_nothing() -> None:
    own = own_row(BID, 7)

    assert move_commands(own, BID - 5) == [MoveOrder(7, BID - 5)]
    assert move_commands(own, BID) == []


def test_press_becomes_a_drag_only_past_the_drag_distance_on_another_row() -> None:
    press = Press(0.0, 0.0, "orders", BID, own_row(BID, 1))

    assert not press.follow(0.0, 3.0, BID - 1, drag_distance_px=10)  # jitter across a row edge
    assert press.follow(0.0, 12.0, BID - 1, drag_distance_px=10)
    assert press.dragging and press.target_ticks == BID - 1


def test_nice_ceiling_steps() -> None:
    assert [nice_ceiling(n) for n in (1, 11, 16, 21, 31, 51, 76)] == [1, 15, 20, 30, 50, 75, 100]


def test_calm_scale_grows_only_after_the_size_stayed_over_it() -> None:
    scale = CalmScale()
    assert scale.update(40, 0) and scale.lots == 50

    assert not scale.update(90, 1)  # over the scale, but only just now
    assert scale.update(90, 2_000_000_000) and scale.lots == 100
