"""What happened at the paper exchange: the journal's rows, and the only way its state changes.

The exchange decides (pure functions of commands and market data) and then applies its own
events through one reducer; on start the same reducer replays the journal. So the account a
restarted app shows is, by construction, the account the crashed app had shown.
Queue-ahead progress is not an event (it changes with every print): a restored resting order
goes to the back of the queue at its price — the pessimistic choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.paper.commands import Command
from app.core.paper.orders import Fill, Order


@dataclass(frozen=True, slots=True)
class CommandSent:
    """The user's command left the keyboard at `ts_ns`; it reaches the exchange at `arrive_ns`.

    For a PlaceOrder, `order_id` is the id the new order has from this moment (shown as pending).
    """

    ts_ns: int
    command_id: int
    arrive_ns: int
    command: Command
    order_id: int | None = None


@dataclass(frozen=True, slots=True)
class CommandArrived:
    """The command reached the exchange and was acted on (its outcome follows as order events).

    Journaled so that a restart never executes a command twice (a flatten replayed after the user
    had re-entered would close the new position).
    """

    ts_ns: int
    command_id: int


@dataclass(frozen=True, slots=True)
class CommandRejected:
    ts_ns: int
    command_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class OrderOpened:
    """An order the exchange created itself: a bracket leg, the market order of a flatten/reverse."""

    ts_ns: int
    order: Order


@dataclass(frozen=True, slots=True)
class OrderAccepted:
    """A pending order reached the exchange and works (limit rests, stop is armed)."""

    ts_ns: int
    order_id: int
    queue_ahead_lots: int | None = None


@dataclass(frozen=True, slots=True)
class OrderRejected:
    ts_ns: int
    order_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class OrderCancelled:
    ts_ns: int
    order_id: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OrderMoved:
    """New price (drag, break-even, trailing). A moved limit goes to the back of the new queue."""

    ts_ns: int
    order_id: int
    price_ticks: int
    queue_ahead_lots: int | None = None


@dataclass(frozen=True, slots=True)
class OrderResized:
    """New total quantity (an OCO sibling shrinking with a partial fill of the other leg)."""

    ts_ns: int
    order_id: int
    qty_lots: int


@dataclass(frozen=True, slots=True)
class OrderTriggered:
    """A stop's trigger price traded; it now executes as a market order."""

    ts_ns: int
    order_id: int


@dataclass(frozen=True, slots=True)
class OrderFilled:
    fill: Fill

    @property
    def ts_ns(self) -> int:
        return self.fill.ts_ns


@dataclass(frozen=True, slots=True)
class AccountChanged:
    """The account after a fill, journaled so that a review can read it without re-deriving."""

    ts_ns: int
    position_lots: int  # signed: + long, − short
    cost_tick_lots: int  # Σ entry price × signed lots of the open position (avg = cost / position)
    realised_tick_lots: int  # closed P&L before fees, ticks × lots
    fees_quote: float


@dataclass(frozen=True, slots=True)
class RiskLocked:
    """A risk limit tripped: no new risk until the session `session_id` is over."""

    ts_ns: int
    session_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class RiskPeak:
    """The session's equity peak rose (journaled in steps, so a restart keeps measuring drawdown
    from it; only written while a max-drawdown limit is set)."""

    ts_ns: int
    session_id: int
    peak_quote: float


PaperEvent = (
    CommandSent
    | CommandArrived
    | CommandRejected
    | OrderOpened
    | OrderAccepted
    | OrderRejected
    | OrderCancelled
    | OrderMoved
    | OrderResized
    | OrderTriggered
    | OrderFilled
    | AccountChanged
    | RiskLocked
    | RiskPeak
)
