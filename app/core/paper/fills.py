"""Matching: prints against working orders, and book walks for orders that take liquidity.

The rules are docs/PAPER_TRADING.md's (see matching.py for the pure ones): a resting limit fills
when price trades through it, or at its price once the queue ahead is gone; a stop triggers on
the last price and walks the book like a market order, whose unfilled rest is cancelled.
"""

from __future__ import annotations

from app.core.events import Level, Side
from app.core.paper.bracket_legs import attach, reconcile_legs
from app.core.paper.events import AccountChanged, OrderCancelled, OrderFilled, OrderTriggered
from app.core.paper.matching import fee_quote, prints_against, stop_triggered, trades_through
from app.core.paper.orders import Fill, Liquidity, OrderKind, OrderRole
from app.core.paper.queues import queue_print
from app.core.paper.reducer import PaperState

BOOK_EXHAUSTED = "book exhausted"  # why a market order's rest is cancelled (the desk tells the user)


def match_print(state: PaperState, working: list[int], t: int, price: int, *, qty: int, side: int) -> None:
    """One print competes with the orders (ids) working at that moment."""
    orders = state.orders
    for order_id in working:
        order = orders.get(order_id)
        if order is None or t < order.active_ns or order.price_ticks is None:
            continue
        if order.kind is OrderKind.STOP:
            if stop_triggered(order.side, order.price_ticks, price):
                state.emit(OrderTriggered(t, order_id))
                execute(state, order_id, t, None)
        elif order.kind is OrderKind.LIMIT:
            if trades_through(order.side, order.price_ticks, price):
                fill(state, order_id, order.price_ticks, order.remaining_lots, Liquidity.MAKER, at=t)
            elif price == order.price_ticks and prints_against(order.side, side):
                filled_lots = queue_print(state, order, qty)
                if filled_lots:
                    fill(state, order_id, price, filled_lots, Liquidity.MAKER, at=t)


def cross_fill(state: PaperState, working: list[int], t: int, bids: list[Level], asks: list[Level]) -> None:
    """The optional crossing-book rule: a depth update (`bids`, `asks`) that shows a size on the
    other side at or through a resting limit's price fills what is left of it, at its price.

    Only sizes the update itself sends count: a level our own taker fill already took and the
    exchange has not sent again is not a new seller (or buyer) at our price."""
    orders = state.orders
    for order_id in working:
        order = orders.get(order_id)
        if order is None or order.kind is not OrderKind.LIMIT or t < order.active_ns:
            continue
        price = order.price_ticks
        if price is None:
            continue
        other = asks if order.side is Side.BUY else bids
        if any(qty and not trades_through(order.side.opposite, price, p) for p, qty in other):
            fill(state, order_id, price, order.remaining_lots, Liquidity.MAKER, at=t)


def execute(state: PaperState, order_id: int, at: int, limit_ticks: int | None) -> None:
    """Take displayed liquidity for a market order, a triggered stop or a marketable limit."""
    order = state.orders.get(order_id)
    book = state.book
    if order is None or book is None:
        return
    for price, lots in state.taker.walk(book, order.side, order.remaining_lots, limit_ticks):
        fill(state, order_id, price, lots, Liquidity.TAKER, at=at)
    order = state.orders.get(order_id)
    if order is not None and limit_ticks is None:  # market: what the book could not give is gone
        state.emit(OrderCancelled(at, order_id, f"{BOOK_EXHAUSTED}: {order.remaining_lots} lots unfilled"))


def fill(state: PaperState, order_id: int, price: int, lots: int, liquidity: Liquidity, *, at: int) -> None:
    """One execution: the fill, the account after it, and the bracket legs it attaches or trims."""
    order = state.orders[order_id]
    opening = state.ledger.opening_lots(int(order.side), lots)
    config = state.config
    bps = config.maker_fee_bps if liquidity is Liquidity.MAKER else config.taker_fee_bps
    fee = fee_quote(price, lots, state.tick_value, bps)
    state.emit(OrderFilled(Fill(at, order_id, order.side, price, lots, liquidity, fee, order.role)))
    ledger = state.ledger
    state.emit(
        AccountChanged(
            at, ledger.position_lots, ledger.cost_tick_lots, ledger.realised_tick_lots, ledger.fees_quote
        )
    )
    if opening and order.role is OrderRole.ENTRY and order.bracket in state.templates:
        attach(state, order, price, opening, at)
    reconcile_legs(state, at)
