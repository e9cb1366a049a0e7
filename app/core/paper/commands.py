"""What the user asks of the paper exchange. Widgets and hotkeys build these; nothing else changes orders.

A command is an intent, not a result: it travels for the configured latency, may be rejected (risk
lock, no liquidity, unknown order) and is journaled before anything is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Side
from app.core.paper.orders import OrderKind


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    side: Side
    kind: OrderKind
    qty_lots: int
    price_ticks: int | None = None  # required for LIMIT and STOP
    bracket: str | None = None  # template name whose stop/target attach on fill


@dataclass(frozen=True, slots=True)
class CancelOrder:
    order_id: int


@dataclass(frozen=True, slots=True)
class MoveOrder:
    """Move a working limit/stop (ladder drag, bracket leg drag) to a new price."""

    order_id: int
    price_ticks: int


@dataclass(frozen=True, slots=True)
class CancelSide:
    """Cancel every open order on one side (cancel bids = Side.BUY)."""

    side: Side


@dataclass(frozen=True, slots=True)
class CancelAll:
    pass


@dataclass(frozen=True, slots=True)
class Flatten:
    """Cancel every open order and close the position at market. Always allowed, even when locked."""


@dataclass(frozen=True, slots=True)
class Reverse:
    """Close the position and open the same size the other way, at market."""

    bracket: str | None = None


Command = PlaceOrder | CancelOrder | MoveOrder | CancelSide | CancelAll | Flatten | Reverse
