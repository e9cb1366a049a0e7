"""A batch of market data is matched in the order it arrived, not all at once at its end.

Each story is one batch (one `on_market` call) with depth changes and prints interleaved; the
fills must be those of docs/PAPER_TRADING.md applied event by event (the two cases issue 15
found on the real recording, and a taker fill from a book that came later in the batch)."""

from __future__ import annotations

from app.core.events import Side
from app.core.paper.commands import PlaceOrder
from app.core.paper.config import CancelAhead
from app.core.paper.orders import Liquidity, OrderKind, OrderStatus

from .conftest import MS, ScriptedMarket, make_exchange

BUY, SELL = Side.BUY, Side.SELL
HIT, LIFT = -1, 1


def _resting_buy_at_999(cancel_ahead: CancelAhead, latency_ms: int = 0) -> ScriptedMarket:
    sim = ScriptedMarket(make_exchange(latency_ms=latency_ms, cancel_ahead=cancel_ahead))
    sim.book(bids=[(1000, 5), (999, 10)], asks=[(1001, 5)])
    sim.prints((1000, 1, HIT))
    return sim


def test_a_level_that_shrinks_and_then_trades_in_one_batch_caps_the_queue_before_the_trade() -> None:
    """Lost cancel: 10 ahead, the level drops to 6 (4 left, whoever they were: at most 6 can be
    ahead now), then 7 lots hit it in the same batch: 6 clear the queue and 1 fills us."""
    for model in CancelAhead:
        sim = _resting_buy_at_999(model)
        sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))
        assert sim.exchange.snapshot().orders[0].queue_ahead_lots == 10

        sim.later(1)
        sim.levels(bids=[(999, 6)])
        sim.trades((999, 7, HIT))
        sim.step()

        (fill,) = sim.exchange.snapshot().fills
        assert (fill.price_ticks, fill.qty_lots, fill.liquidity) == (999, 1, Liquidity.MAKER), model
        assert fill.ts_ns == sim.now_ns  # the print's time


def test_an_order_arriving_inside_a_batch_joins_the_queue_of_its_arrival_not_of_the_batch_end() -> None:
    """Double count: the order arrives (10 shown at 999), then 4 lots hit the level and the book
    shows 6, all in one batch. The queue ahead is 6 — the 4 traded are not taken off it twice."""
    for model in CancelAhead:
        sim = _resting_buy_at_999(model, latency_ms=50)
        sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 1, 999))  # arrives 50 ms from now

        sim.later(60)
        sim.trades((999, 4, HIT))
        sim.levels(bids=[(999, 6)])
        sim.step()

        (order,) = sim.exchange.snapshot().orders
        assert (order.status, order.queue_ahead_lots) == (OrderStatus.WORKING, 6), model
        sim.prints((999, 6, HIT))
        assert sim.exchange.snapshot().fills == ()
        sim.prints((999, 1, HIT))
        assert [f.qty_lots for f in sim.exchange.snapshot().fills] == [1]


def test_a_passive_limit_is_not_filled_as_taker_from_a_book_that_came_later_in_the_batch() -> None:
    """At 50x replay a batch spans seconds. A buy at 1000 arrives while the best ask is 1001 (it
    rests); a second later in the same batch the ask falls to 999. No taker fill at 999: the order
    had rested before that book existed, and nothing printed at or through its price."""
    sim = _resting_buy_at_999(CancelAhead.PESSIMISTIC, latency_ms=50)
    sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 2, 1000))

    sim.later(1000)
    sim.levels(bids=[(1000, 0)], asks=[(1001, 0), (999, 5)])
    sim.step()

    snap = sim.exchange.snapshot()
    assert snap.fills == ()
    assert snap.orders[0].status is OrderStatus.WORKING


def test_a_market_order_arriving_inside_a_batch_walks_the_book_of_its_arrival() -> None:
    """The ask is 1001 when the order arrives; 1 s later in the same batch it jumps to 1005.
    The order pays 1001, the price of its instant, not the batch end's."""
    sim = _resting_buy_at_999(CancelAhead.PESSIMISTIC, latency_ms=50)
    sim.send(PlaceOrder(BUY, OrderKind.MARKET, 2))

    sim.later(1000)
    sim.levels(asks=[(1001, 0), (1005, 5)])
    sim.step()

    (fill,) = sim.exchange.snapshot().fills
    assert (fill.price_ticks, fill.qty_lots, fill.liquidity) == (1001, 2, Liquidity.TAKER)
    assert fill.ts_ns == sim.now_ns - 1000 * MS + 50 * MS  # its arrival


def test_a_stop_walks_the_book_as_of_the_print_that_triggered_it() -> None:
    """A sell stop at 999 triggers on a print at 999; the bid at that instant is 998 (10 lots).
    The book improves to 1003 later in the batch: the stop still sells at 998."""
    sim = ScriptedMarket(make_exchange())
    sim.book(bids=[(1000, 5), (998, 10)], asks=[(1001, 5)])
    sim.prints((1000, 1, HIT))
    sim.send(PlaceOrder(SELL, OrderKind.STOP, 2, 999))

    sim.levels(bids=[(1000, 0)])
    sim.trades((999, 1, HIT))
    sim.later(5)
    sim.levels(bids=[(1003, 50)], asks=[(1004, 5)])
    sim.step()

    (fill,) = sim.exchange.snapshot().fills
    assert (fill.price_ticks, fill.qty_lots, fill.liquidity) == (998, 2, Liquidity.TAKER)


def test_the_crossing_book_rule_fills_a_resting_limit_without_a_print_only_when_asked() -> None:
    """The ask comes down to the resting buy's price with no print there. By default nothing
    fills (only prints fill resting orders); with `fill_on_book_cross` the whole order fills at its
    price as maker, at the depth update's time."""
    for on in (False, True):
        sim = ScriptedMarket(make_exchange(fill_on_book_cross=on))
        sim.book(bids=[(1000, 5), (999, 10)], asks=[(1001, 5)])
        sim.prints((1000, 1, HIT))
        sim.send(PlaceOrder(BUY, OrderKind.LIMIT, 3, 999))

        sim.later(2)
        sim.levels(bids=[(1000, 0), (999, 0)], asks=[(999, 4)])
        crossed_ns = sim.now_ns
        sim.later(5)
        sim.step()

        fills = [(f.ts_ns, f.price_ticks, f.qty_lots, f.liquidity) for f in sim.exchange.snapshot().fills]
        assert fills == ([(crossed_ns, 999, 3, Liquidity.MAKER)] if on else [])
