"""Bracket management: legs attach when an entry fills, shrink with the position, follow price.

Legs are journaled orders like any other; this module only decides which leg events to emit.
"""

from __future__ import annotations

from dataclasses import replace

from app.core.events import Side
from app.core.paper.brackets import followed_stop, legs_for
from app.core.paper.events import OrderCancelled, OrderMoved, OrderOpened, OrderResized
from app.core.paper.orders import Order, OrderKind, OrderRole
from app.core.paper.reducer import PaperState

_LEGS = (OrderRole.STOP_LOSS, OrderRole.TAKE_PROFIT)


def attach(state: PaperState, entry: Order, price: int, lots: int, at: int) -> None:
    """An entry opened `lots` at `price`: grow its bracket's legs, or open them."""
    oco = state.entry_groups.get(entry.order_id)
    if oco is not None and oco in state.groups:
        for leg in [o for o in state.orders.values() if o.oco_id == oco]:
            state.emit(OrderResized(at, leg.order_id, leg.qty_lots + lots))
        return
    template = state.templates[entry.bracket or ""]
    oco = state.next_oco
    state.entry_groups[entry.order_id] = oco
    legs = legs_for(template, entry.side, price, lots, oco_id=oco, first_order_id=state.next_order, now_ns=at)
    for leg in legs:
        ahead = state.displayed(leg.side, leg.price_ticks) if leg.kind is OrderKind.LIMIT else None
        state.emit(OrderOpened(at, replace(leg, queue_ahead_lots=ahead)))


def reconcile_legs(state: PaperState, at: int) -> None:
    """Legs never exceed the position they protect: a filled leg shrinks its OCO sibling, a
    position closed another way takes its legs with it (newest brackets give way first)."""
    position = state.ledger.position_lots
    for role in _LEGS:
        legs = sorted(
            (o for o in state.orders.values() if o.role is role), key=lambda o: o.oco_id or 0, reverse=True
        )
        wrong_side = [o for o in legs if position == 0 or (o.side is Side.BUY) == (position > 0)]
        for leg in wrong_side:
            state.emit(OrderCancelled(at, leg.order_id, "OCO: position closed"))
        legs = [o for o in legs if o not in wrong_side]
        excess = sum(o.remaining_lots for o in legs) - abs(position)
        for leg in legs:
            if excess <= 0:
                break
            cut = min(excess, leg.remaining_lots)
            excess -= cut
            if cut == leg.remaining_lots:
                state.emit(OrderCancelled(at, leg.order_id, "OCO: sibling filled"))
            else:
                state.emit(OrderResized(at, leg.order_id, leg.qty_lots - cut))


def follow(state: PaperState, price: int, at: int) -> None:
    """Break-even and trailing: move each bracket's stop as a new best price prints."""
    for group in list(state.groups.values()):
        if (price - group.best_ticks) * int(group.side) <= 0:
            continue
        group.best_ticks = price
        stop = next(
            (o for o in state.orders.values() if o.oco_id == group.oco_id and o.role is OrderRole.STOP_LOSS),
            None,
        )
        if stop is None or stop.price_ticks is None:
            continue
        moved = followed_stop(group, stop.price_ticks, price)
        if moved is not None:
            state.emit(OrderMoved(at, stop.order_id, moved))
