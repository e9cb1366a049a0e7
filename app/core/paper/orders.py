"""Orders and fills of the paper exchange, as immutable values.

Orders change by being replaced (`dataclasses.replace`), never in place, so that a snapshot handed
to the screen can never change under the painter and the journal can store exactly what was true.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.core.events import Side


class OrderKind(Enum):
    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"  # stop-market: triggers on the last trade price, then walks the book


class OrderStatus(Enum):
    PENDING = "pending"  # sent, still travelling to the exchange (the configured latency)
    WORKING = "working"  # at the exchange: resting (limit) or armed (stop)
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.PENDING, OrderStatus.WORKING)


class OrderRole(Enum):
    ENTRY = "entry"  # anything the user sent
    STOP_LOSS = "stop_loss"  # bracket leg
    TAKE_PROFIT = "take_profit"  # bracket leg


class Liquidity(Enum):
    MAKER = "maker"
    TAKER = "taker"


@dataclass(frozen=True, slots=True)
class Order:
    """One order as the account sees it now.

    `queue_ahead_lots` is the displayed size still in front of a resting limit order (None for
    other kinds or before it reaches the exchange); `oco_id` ties the legs of one bracket together;
    `bracket` names the template whose legs attach when an entry order fills.
    """

    order_id: int
    side: Side
    kind: OrderKind
    qty_lots: int
    price_ticks: int | None = None  # limit price, or stop trigger price; None for market
    role: OrderRole = OrderRole.ENTRY
    status: OrderStatus = OrderStatus.PENDING
    filled_lots: int = 0
    queue_ahead_lots: int | None = None
    oco_id: int | None = None
    bracket: str | None = None
    sent_ns: int = 0  # market (local receive) time the command left the user's hands
    active_ns: int = 0  # market time it reaches the exchange: sent_ns + latency

    @property
    def remaining_lots(self) -> int:
        return self.qty_lots - self.filled_lots

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def signed_remaining_lots(self) -> int:
        return int(self.side) * self.remaining_lots


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of one order (an order may fill in several pieces)."""

    ts_ns: int
    order_id: int
    side: Side
    price_ticks: int
    qty_lots: int
    liquidity: Liquidity
    fee_quote: float  # fee paid in the quote currency (negative would be a rebate)
    role: OrderRole = OrderRole.ENTRY

    @property
    def signed_lots(self) -> int:
        return int(self.side) * self.qty_lots
