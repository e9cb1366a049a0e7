"""The pre-trade gate: which commands may be sent at all, and the risk lock that cancels entries.

Judged on the state as it is when the command is sent (before the command itself counts as
open), so a refusal costs no latency: the user hears at once why nothing happened.
"""

from __future__ import annotations

from app.core.events import Side
from app.core.paper.commands import CancelOrder, Command, MoveOrder, PlaceOrder, Reverse
from app.core.paper.events import OrderCancelled, RiskLocked, RiskPeak
from app.core.paper.orders import OrderKind, OrderRole
from app.core.paper.reducer import PaperState


def refusal(state: PaperState, command: Command) -> str | None:
    """Why the command cannot be sent at all (bad values, a market not live, risk lock, position
    limit). Cancels always go through; new orders and reversals wait for a live market, since
    they would fill on a book the market no longer has."""
    if isinstance(command, PlaceOrder | Reverse) and state.market_hold is not None:
        return state.market_hold
    if isinstance(command, PlaceOrder):
        if command.qty_lots <= 0:
            return "quantity must be positive"
        if command.kind is not OrderKind.MARKET and command.price_ticks is None:
            return f"a {command.kind.value} order needs a price"
        if command.bracket is not None and command.bracket not in state.templates:
            return f"no bracket template named {command.bracket!r}"
        if adds_risk(state, command.side, command.qty_lots):
            if state.risk.locked:
                return f"LOCKED until next session: {state.risk.locked_reason}"
            return _position_refusal(state, command.side, command.qty_lots)
        return None
    if isinstance(command, Reverse):
        position = state.ledger.position_lots
        if position == 0:
            return "flat: no position to reverse"
        if state.risk.locked:
            return f"LOCKED until next session: {state.risk.locked_reason}"
        if command.bracket is not None and command.bracket not in state.templates:
            return f"no bracket template named {command.bracket!r}"
        side = Side.BUY if position < 0 else Side.SELL
        return _position_refusal(state, side, 2 * abs(position))
    if isinstance(command, CancelOrder | MoveOrder) and command.order_id not in state.orders:
        return "no such open order"
    return None


def adds_risk(state: PaperState, side: Side, qty_lots: int) -> bool:
    """Would this order, with the same side's other open entry orders, grow the position?"""
    position = state.ledger.position_lots
    if position == 0 or (position > 0) == (side is Side.BUY):
        return True
    closing = sum(
        o.remaining_lots for o in state.orders.values() if o.side is side and o.role is OrderRole.ENTRY
    )
    return qty_lots + closing > abs(position)


def _position_refusal(state: PaperState, side: Side, qty_lots: int) -> str | None:
    entries = (o for o in state.orders.values() if o.side is side and o.role is OrderRole.ENTRY)
    same_side = sum(o.signed_remaining_lots for o in entries)
    return state.risk.position_breach(
        abs(state.ledger.position_lots + same_side + int(side) * qty_lots), state.instrument.qty_str
    )


def check_risk(state: PaperState, now_ns: int) -> None:
    """Journal a new profit peak; on a breach, lock and cancel the entries that would add risk."""
    risk = state.risk
    if risk.locked:
        return
    reason = risk.breach(state.net_quote())
    step = risk.peak_step()
    if step is not None and risk.peak_quote >= state.peak_journaled + step:
        state.emit(RiskPeak(now_ns, risk.sessions.session_id(now_ns), risk.peak_quote))
    if reason is None:
        return
    state.emit(RiskLocked(now_ns, risk.sessions.session_id(now_ns), reason))
    for order in list(state.orders.values()):
        if order.role is OrderRole.ENTRY and adds_risk(state, order.side, order.remaining_lots):
            state.emit(OrderCancelled(now_ns, order.order_id, f"risk lock: {reason}"))
