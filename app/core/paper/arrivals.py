"""Commands reaching the exchange after their latency: place, cancel, move, flatten, reverse.

What a command does is decided when it arrives, on the state at that moment (the order may have
filled meanwhile: then a cancel or move is "too late").
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.events import Side
from app.core.paper.commands import (
    CancelAll,
    CancelOrder,
    CancelSide,
    Flatten,
    MoveOrder,
    PlaceOrder,
    Reverse,
)
from app.core.paper.events import (
    CommandArrived,
    CommandRejected,
    CommandSent,
    OrderAccepted,
    OrderCancelled,
    OrderMoved,
    OrderOpened,
    OrderRejected,
)
from app.core.paper.fills import execute
from app.core.paper.matching import stop_triggered
from app.core.paper.orders import Order, OrderKind, OrderStatus
from app.core.paper.reducer import PaperState

_TOO_LATE = "too late: the order is no longer open"


def arrive_due(state: PaperState, now_ns: int, all_due: bool) -> None:
    """Commands whose arrival time has come (all of them if `all_due`), in arrival order."""
    if not state.pending or state.market is None:
        return
    due = sorted(
        (s for s in state.pending.values() if all_due or s.arrive_ns <= now_ns),
        key=lambda s: (s.arrive_ns, s.command_id),
    )
    for sent in due:
        at = max(sent.arrive_ns, 0) if sent.arrive_ns <= now_ns else now_ns
        state.emit(CommandArrived(at, sent.command_id))
        _arrive(state, sent, at)


def _arrive(state: PaperState, sent: CommandSent, at: int) -> None:
    command = sent.command
    if isinstance(command, PlaceOrder):
        if sent.order_id is not None and sent.order_id in state.orders:
            _place(state, sent.order_id, at)
    elif isinstance(command, CancelOrder):
        if command.order_id in state.orders:
            state.emit(OrderCancelled(at, command.order_id, "cancelled"))
        else:
            state.emit(CommandRejected(at, sent.command_id, _TOO_LATE))
    elif isinstance(command, MoveOrder):
        _move(state, sent.command_id, command, at)
    elif isinstance(command, CancelSide):
        _cancel_where(state, at, "cancelled", lambda o: o.side is command.side)
    elif isinstance(command, CancelAll):
        _cancel_where(state, at, "cancelled", lambda o: True)
    elif isinstance(command, Flatten):
        _cancel_where(state, at, "flatten", lambda o: True)
        _market_order(state, -state.ledger.position_lots, None, at)
    elif isinstance(command, Reverse):
        _market_order(state, -2 * state.ledger.position_lots, command.bracket, at)


def _place(state: PaperState, order_id: int, at: int) -> None:
    order = state.orders[order_id]
    if order.kind is OrderKind.STOP:
        assert order.price_ticks is not None
        if state.last_ticks is not None and stop_triggered(order.side, order.price_ticks, state.last_ticks):
            state.emit(OrderRejected(at, order_id, "stop would trigger immediately (price already there)"))
            return
        state.emit(OrderAccepted(at, order_id))
        return
    if order.kind is OrderKind.MARKET:
        state.emit(OrderAccepted(at, order_id))
        execute(state, order_id, at, None)
        return
    state.emit(OrderAccepted(at, order_id, state.displayed(order.side, order.price_ticks)))
    execute(state, order_id, at, order.price_ticks)


def _move(state: PaperState, command_id: int, command: MoveOrder, at: int) -> None:
    order = state.orders.get(command.order_id)
    if order is None or order.kind is OrderKind.MARKET:
        state.emit(CommandRejected(at, command_id, _TOO_LATE))
        return
    price = command.price_ticks
    if order.kind is OrderKind.STOP:
        if state.last_ticks is not None and stop_triggered(order.side, price, state.last_ticks):
            state.emit(CommandRejected(at, command_id, "stop would trigger immediately"))
            return
        state.emit(OrderMoved(at, order.order_id, price))
        return
    state.emit(OrderMoved(at, order.order_id, price, state.displayed(order.side, price)))
    if order.status is OrderStatus.WORKING:
        execute(state, order.order_id, at, price)


def _market_order(state: PaperState, signed_lots: int, bracket: str | None, at: int) -> None:
    if signed_lots == 0:
        return
    side = Side.BUY if signed_lots > 0 else Side.SELL
    order = Order(
        order_id=state.next_order,
        side=side,
        kind=OrderKind.MARKET,
        qty_lots=abs(signed_lots),
        status=OrderStatus.WORKING,
        bracket=bracket,
        sent_ns=at,
        active_ns=at,
    )
    state.emit(OrderOpened(at, order))
    execute(state, order.order_id, at, None)


def _cancel_where(state: PaperState, at: int, reason: str, which: Callable[[Order], bool]) -> None:
    for order in [o for o in state.orders.values() if which(o)]:
        state.emit(OrderCancelled(at, order.order_id, reason))
