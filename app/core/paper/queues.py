"""Queue estimates for resting limit orders: how much displayed size is still ahead of us.

A print at our price against our side eats the queue ahead first (then us); the book shrinking
at our price is explained first by what traded there, and the rest is cancels, which move us up
only under the proportional model (pessimistic: cancels are behind us). The ahead never exceeds
what the book shows at our price. The journal does not keep these estimates: a restored order
goes to the back of its queue.
"""

from __future__ import annotations

from dataclasses import replace

from app.core.paper.config import CancelAhead
from app.core.paper.matching import proportional_advance, queue_step
from app.core.paper.orders import Order, OrderKind, OrderStatus
from app.core.paper.reducer import PaperState


def queue_print(state: PaperState, order: Order, qty_lots: int) -> int:
    """A print of `qty_lots` at the order's price against its side: lots of ours it filled."""
    ahead = order.queue_ahead_lots or 0
    state.traded_at[order.order_id] = state.traded_at.get(order.order_id, 0) + qty_lots
    step = queue_step(ahead, order.remaining_lots, qty_lots)
    state.orders[order.order_id] = replace(order, queue_ahead_lots=step.ahead_lots)
    state.changed()
    return step.filled_lots


def measure_queues(state: PaperState) -> None:
    """Cap each queue ahead at the size displayed at its price, and apply the cancel model.

    Runs after every depth change the exchange walks (and after anything that opened or moved a
    limit, so its first measure is the book it joined): the book is the one as of that event."""
    book = state.book
    if book is None or (book.best_bid is None and book.best_ask is None):
        return  # no book yet (a fresh replay session before its snapshot)
    proportional = state.config.cancel_ahead is CancelAhead.PROPORTIONAL
    seen = state.level_seen
    traded_at = state.traded_at
    for order_id, order in list(state.orders.items()):
        if order.kind is not OrderKind.LIMIT or order.status is not OrderStatus.WORKING:
            seen.pop(order_id, None)
            continue
        shown = state.displayed(order.side, order.price_ticks)
        ahead = order.queue_ahead_lots
        if ahead is None:
            ahead = shown
        else:
            before = seen.get(order_id)
            traded = traded_at.pop(order_id, 0)
            if before is not None and shown < before:
                # lots that traded at our price explain the level shrinking first; a print the
                # book has not caught up with yet is carried to the next measure
                explained = min(before - shown, traded)
                if traded > explained:
                    traded_at[order_id] = traded - explained
                if proportional:
                    ahead -= proportional_advance(ahead, before - explained, before - shown - explained)
            elif traded:
                traded_at[order_id] = traded
            ahead = min(ahead, shown)
        seen[order_id] = shown
        if ahead != order.queue_ahead_lots:
            state.orders[order_id] = replace(order, queue_ahead_lots=ahead)
            state.changed()
