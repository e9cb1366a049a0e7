"""The fill rules on scripted markets: book walking, queue position, trade-through, stops, latency."""

from __future__ import annotations

import pytest

from app.core.events import Side
from app.core.paper.commands import CancelOrder, MoveOrder, PlaceOrder
from app.core.paper.config import CancelAhead
from app.core.paper.events import CommandRejected, OrderCancelled, OrderFilled, OrderRejected
from app.core.paper.orders import Liquidity, OrderKind, OrderStatus

from .conftest import MS, ScriptedMarket, make_exchange

BUY, SELL = Side.BUY, Side.SELL
HIT, LIFT = -1, 1  # print sides: sell aggressor hits the bid, buy aggressor lifts the ask


def fills(events: list) -> list[tuple[int, int, Liquidity]]:
    return [
        (e.fill.price_ticks, e.fill.qty_lots, e.fill.liquidity) for e in events if isinstance(e, OrderFilled)
    ]


def test_market_buy_walks_the_asks_and_pays_the_slippage(sim: ScriptedMarket) -> None:
    events = sim.send(PlaceOrder(BUY, OrderKind.MARKET, 10))

    assert fills(events) == [(1001, 4, Liquidity.TAKER), (1002, 6, Liquidity.TAKER)]
    snap = sim.exchange.snapshot()
    assert snap.position_lots == 10
    assert snap.avg_price_ticks == pytest.approx((4 * 1001 + 6 * 1002) / 10)
    # taker fee 5 bps on the notional: price ticks × 0.1 × lots × 0.001
    assert snap.fees_quote == pytest.approx((4 * 1001 + 6 * 1002) * 0.1 * 0.001 * 5 / 10_000)


def test_market_order_bigger_than_the_book_takes_what_is_shown_and_cancels_the_rest(
    sim: ScriptedMarket,
) -> None:
    events = sim.send(PlaceOrder(SELL, OrderKind.MARKET, 40))

    taker = Liquidity.TAKER
    assert fills(events) == [(1000, 5, taker), (999, 10, taker), (998, 20, taker)]
    cancelled = [e for e in events if isinstance(e, OrderCancelled)]
    assert cancelled and "5 lots unfilled" in cancelled[0].reason
    assert sim.exchange.snapshot().position_lots == -35


def test_two_quick_market_orders_cannot_take_the_same_displayed_size(sim: ScriptedMarket) -> None:
    first = sim.send(PlaceOrder(BUY, OrderKind.MARKET, 3))
    second = sim.send(PlaceOrder(BUY, OrderKind.MARKET, 3))

    assert fills(first) == [(1001, 3, Liquidity.TAKER)]
    assert fills(second) == [(1001, 1, Liquidity.TAKER), (1002, 2, Liquidity.TAKER)]


def test_taken_size_is_forgotten_when_the_exchange_sends_the_level_again(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 4))
    sim.levels(asks=[(1001, 6)])

    assert fills(sim.send(PlaceOrder(BUY, OrderKind.MARKET, 5))) == [(1001, 5, Liquidity.TAKER)]


def test_limit_order_waits_behind_the_displayed_queue_then_fills_from_prints(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 3, 1000))  # 5 lots displayed ahead
    order = sim.exchange.snapshot().orders[0]
    assert order.queue_ahead_lots == 5

    assert fills(sim.prints((1000, 3, HIT))) == []
    assert sim.exchange.snapshot().orders[0].queue_ahead_lots == 2
    assert fills(sim.prints((1000, 4, HIT))) == [(1000, 2, Liquidity.MAKER)]
    assert fills(sim.prints((1000, 10, HIT))) == [(1000, 1, Liquidity.MAKER)]
    assert sim.exchange.snapshot().orders == ()
    assert sim.exchange.snapshot().position_lots == 3


def test_buyers_lifting_at_our_bid_price_do_not_move_our_bid(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))

    sim.prints((999, 50, LIFT))

    assert sim.exchange.snapshot().orders[0].queue_ahead_lots == 10
    assert sim.exchange.snapshot().position_lots == 0


def test_a_print_through_our_price_fills_the_whole_order(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 7, 999))  # 10 ahead

    events = sim.prints((998, 1, HIT))

    assert fills(events) == [(999, 7, Liquidity.MAKER)]


def test_a_limit_order_the_tape_never_reaches_never_fills(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 995))

    for price in (1000, 999, 998, 997, 996, 997, 999, 1001):
        sim.prints((price, 100, HIT), (price, 100, LIFT))
    sim.wait(60_000)

    assert sim.exchange.snapshot().position_lots == 0
    assert sim.exchange.snapshot().orders[0].status is OrderStatus.WORKING


def test_pessimistic_cancels_ahead_do_not_move_us_up(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))  # 10 ahead
    sim.levels(bids=[(999, 18)])  # 8 joined behind us
    sim.step()
    sim.levels(bids=[(999, 12)])  # 6 cancelled: assumed to be behind us
    sim.step()

    assert sim.exchange.snapshot().orders[0].queue_ahead_lots == 10


def test_the_queue_ahead_is_never_more_than_the_book_shows(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))  # 10 ahead
    sim.levels(bids=[(999, 4)])
    sim.step()

    assert sim.exchange.snapshot().orders[0].queue_ahead_lots == 4


def test_proportional_cancels_move_us_up_by_our_share_of_the_level() -> None:
    sim = ScriptedMarket(make_exchange(cancel_ahead=CancelAhead.PROPORTIONAL))
    sim.book(bids=[(999, 10)], asks=[(1001, 10)])
    sim.prints((1000, 1, HIT))
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))  # 10 ahead
    sim.levels(bids=[(999, 20)])  # 10 joined behind
    sim.step()
    sim.levels(bids=[(999, 14)])  # 6 cancelled, spread evenly: 10/20 of them were ahead
    sim.step()

    assert sim.exchange.snapshot().orders[0].queue_ahead_lots == 7


def test_marketable_limit_takes_up_to_its_price_and_rests_the_rest(sim: ScriptedMarket) -> None:
    events = sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 20, 1002))

    assert fills(events) == [(1001, 4, Liquidity.TAKER), (1002, 10, Liquidity.TAKER)]
    resting = sim.exchange.snapshot().orders[0]
    assert (resting.price_ticks, resting.remaining_lots, resting.queue_ahead_lots) == (1002, 6, 0)


def test_stop_triggers_on_the_last_trade_then_walks_the_book(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(SELL, OrderKind.STOP, 12, 999))
    assert fills(sim.prints((1000, 1, HIT))) == []

    events = sim.prints((999, 1, HIT))

    assert fills(events) == [(1000, 5, Liquidity.TAKER), (999, 7, Liquidity.TAKER)]


def test_a_stop_already_through_the_market_is_rejected(sim: ScriptedMarket) -> None:
    events = sim.send(PlaceOrder(BUY, OrderKind.STOP, 1, 990))

    assert any(isinstance(e, OrderRejected) and "trigger" in e.reason for e in events)
    assert sim.exchange.snapshot().orders == ()


def test_latency_orders_travel_and_only_meet_prints_after_they_arrive() -> None:
    sim = ScriptedMarket(make_exchange(latency_ms=50))
    sim.book(bids=[(1000, 0), (999, 1)], asks=[(1001, 5)])
    sim.prints((1000, 1, HIT))
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))
    assert sim.exchange.snapshot().orders[0].status is OrderStatus.PENDING

    sim.prints((998, 5, HIT))  # 1 ms later: a print through our price, but we are not there yet
    assert sim.exchange.snapshot().position_lots == 0
    sim.wait(60)
    assert sim.exchange.snapshot().orders[0].status is OrderStatus.WORKING
    sim.prints((998, 5, HIT))
    assert sim.exchange.snapshot().position_lots == 1


def test_a_cancel_travels_too_and_the_order_can_fill_meanwhile() -> None:
    sim = ScriptedMarket(make_exchange(latency_ms=50))
    sim.book(bids=[(999, 1)], asks=[(1001, 5)])
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))
    sim.wait(60)
    order_id = sim.exchange.snapshot().orders[0].order_id

    sim.send(CancelOrder(order_id))
    sim.prints((998, 1, HIT))  # fills before the cancel arrives
    events = sim.wait(60)

    assert sim.exchange.snapshot().position_lots == 1
    assert any(isinstance(e, CommandRejected) and "too late" in e.reason for e in events)


def test_moving_a_limit_order_puts_it_at_the_back_of_the_new_queue(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 998))
    order_id = sim.exchange.snapshot().orders[0].order_id

    sim.send(MoveOrder(order_id, 999))

    moved = sim.exchange.snapshot().orders[0]
    assert (moved.price_ticks, moved.queue_ahead_lots) == (999, 10)


def test_fills_are_timed_by_the_print_that_made_them(sim: ScriptedMarket) -> None:
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))
    before = sim.now_ns

    events = sim.prints((1000, 1, HIT), (998, 1, HIT))

    (fill,) = [e.fill for e in events if isinstance(e, OrderFilled)]
    assert fill.ts_ns == before + 2 * MS
