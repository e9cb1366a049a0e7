"""Bracket legs (stop + target, OCO) and how the stop follows price (break-even, trailing).

Legs are held by the simulated exchange, not the client, so they keep working whatever the
window does — the known weakness of client-side brackets in other tools.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Side
from app.core.paper.config import BracketTemplate
from app.core.paper.orders import Order, OrderKind, OrderRole, OrderStatus


@dataclass(slots=True)
class BracketGroup:
    """One entry order's legs and the best price seen since (for break-even and trailing)."""

    oco_id: int
    template: BracketTemplate | None  # None: the template was deleted since; legs stay, no following
    side: Side  # the position's side (legs are the opposite side)
    entry_ticks: int
    best_ticks: int
    breakeven_done: bool = False


def legs_for(
    template: BracketTemplate,
    entry_side: Side,
    fill_ticks: int,
    qty_lots: int,
    *,
    oco_id: int,
    first_order_id: int,
    now_ns: int,
) -> list[Order]:
    """The stop (stop-market) and target (limit) orders for an entry filled at `fill_ticks`."""
    sign = int(entry_side)
    exit_side = entry_side.opposite
    legs: list[Order] = []
    common = dict(side=exit_side, qty_lots=qty_lots, status=OrderStatus.WORKING, oco_id=oco_id)
    if template.stop_ticks:
        legs.append(
            Order(
                order_id=first_order_id + len(legs),
                kind=OrderKind.STOP,
                price_ticks=fill_ticks - sign * template.stop_ticks,
                role=OrderRole.STOP_LOSS,
                bracket=template.name,
                sent_ns=now_ns,
                active_ns=now_ns,
                **common,  # type: ignore[arg-type]
            )
        )
    if template.target_ticks:
        legs.append(
            Order(
                order_id=first_order_id + len(legs),
                kind=OrderKind.LIMIT,
                price_ticks=fill_ticks + sign * template.target_ticks,
                role=OrderRole.TAKE_PROFIT,
                bracket=template.name,
                sent_ns=now_ns,
                active_ns=now_ns,
                **common,  # type: ignore[arg-type]
            )
        )
    return legs


def entry_from_leg(template: BracketTemplate, leg: Order) -> int | None:
    """The entry price a leg was placed from (to rebuild a group from the journal)."""
    if leg.price_ticks is None:
        return None
    sign = -int(leg.side)  # the position's side
    if leg.role is OrderRole.STOP_LOSS and template.stop_ticks:
        return leg.price_ticks + sign * template.stop_ticks
    if leg.role is OrderRole.TAKE_PROFIT and template.target_ticks:
        return leg.price_ticks - sign * template.target_ticks
    return None


def followed_stop(group: BracketGroup, stop_ticks: int, print_ticks: int) -> int | None:
    """Where the stop should move after a print that set a new best price, or None to stay.

    Break-even moves it once to entry + offset; trailing keeps it `trail_distance_ticks` behind the
    best price in steps of at least `trail_step_ticks`. The stop only ever moves in the position's
    favour and never to or through the current print (it would trigger at once).
    """
    template = group.template
    if template is None:
        return None
    sign = int(group.side)
    favour = (group.best_ticks - group.entry_ticks) * sign
    candidates: list[int] = []
    be = template.breakeven_trigger_ticks
    if be is not None and not group.breakeven_done and favour >= be:
        group.breakeven_done = True
        candidates.append(group.entry_ticks + sign * template.breakeven_offset_ticks)
    trail = template.trail_trigger_ticks
    if trail is not None and favour >= trail and template.trail_distance_ticks > 0:
        wanted = group.best_ticks - sign * template.trail_distance_ticks
        if (wanted - stop_ticks) * sign >= max(1, template.trail_step_ticks):
            candidates.append(wanted)
    best = None
    for price in candidates:
        if (price - stop_ticks) * sign > 0 and (print_ticks - price) * sign > 0:
            best = price if best is None or (price - best) * sign > 0 else best
    return best
