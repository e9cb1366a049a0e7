"""What the screen reads of the paper account: immutable snapshots, round trips and statistics.

Views get one `PaperSnapshot` per change (the exchange makes a new one only when something
changed, with a new `version`), so painting never races the exchange and tests can build any
account by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.orders import Fill, Order


def tick_value_quote(instrument: Instrument) -> float:
    """Money (quote currency) of one tick on one lot: P&L in tick-lots × this = money."""
    return float(instrument.tick_size * instrument.lot_size * instrument.contract_multiplier)


@dataclass(frozen=True, slots=True)
class RiskStatus:
    """The session's numbers the risk limits watch, and the lock if one tripped."""

    session_id: int = 0
    locked_reason: str | None = None
    session_net_quote: float = 0.0  # realised − fees + unrealised since the session start
    session_peak_quote: float = 0.0
    trades: int = 0  # round trips opened this session
    losing_streak: int = 0

    @property
    def locked(self) -> bool:
        return self.locked_reason is not None

    @property
    def drawdown_quote(self) -> float:
        return self.session_peak_quote - self.session_net_quote


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """From flat to flat (a reversal closes one trip and opens the next)."""

    trip_id: int
    side: Side  # the direction of the position
    qty_lots: int  # total lots entered
    entry_ns: int
    exit_ns: int
    entry_price_ticks: float  # average entry
    exit_price_ticks: float  # average exit
    pnl_tick_lots: int  # before fees
    fees_quote: float
    tick_value_quote: float
    risk_tick_lots: int | None = None  # initial stop distance × lots, when a stop was attached

    @property
    def hold_ns(self) -> int:
        return self.exit_ns - self.entry_ns

    @property
    def pnl_ticks(self) -> float:
        """Ticks per lot."""
        return self.pnl_tick_lots / self.qty_lots if self.qty_lots else 0.0

    @property
    def gross_quote(self) -> float:
        return self.pnl_tick_lots * self.tick_value_quote

    @property
    def net_quote(self) -> float:
        return self.gross_quote - self.fees_quote

    @property
    def r_multiple(self) -> float | None:
        """Net P&L in units of the initial risk; None without a stop."""
        if not self.risk_tick_lots:
            return None
        return self.net_quote / (self.risk_tick_lots * self.tick_value_quote)


@dataclass(frozen=True, slots=True)
class PaperSnapshot:
    version: int = 0
    orders: tuple[Order, ...] = ()  # open orders: pending (travelling) and working, bracket legs too
    position_lots: int = 0  # signed: + long, − short
    cost_tick_lots: int = 0  # Σ entry price × signed lots of the open position
    realised_tick_lots: int = 0
    fees_quote: float = 0.0
    tick_value_quote: float = 0.0
    last_price_ticks: int | None = None  # last trade: the mark for unrealised P&L
    fills: tuple[Fill, ...] = ()
    trips: tuple[RoundTrip, ...] = ()  # closed round trips, oldest first
    risk: RiskStatus = RiskStatus()
    open_since_ns: int | None = None  # when the open position was opened

    @property
    def avg_price_ticks(self) -> float | None:
        """Average entry price of the open position (fractional ticks), None when flat."""
        return self.cost_tick_lots / self.position_lots if self.position_lots else None

    @property
    def unrealised_tick_lots(self) -> int:
        if not self.position_lots or self.last_price_ticks is None:
            return 0
        return self.last_price_ticks * self.position_lots - self.cost_tick_lots

    @property
    def unrealised_ticks(self) -> float:
        """Open P&L per lot in ticks (what a scalper reads as 'I am up 6 ticks')."""
        return self.unrealised_tick_lots / abs(self.position_lots) if self.position_lots else 0.0

    @property
    def realised_quote(self) -> float:
        return self.realised_tick_lots * self.tick_value_quote

    @property
    def unrealised_quote(self) -> float:
        return self.unrealised_tick_lots * self.tick_value_quote

    @property
    def net_quote(self) -> float:
        """Realised + unrealised − fees."""
        return self.realised_quote + self.unrealised_quote - self.fees_quote


@dataclass(frozen=True, slots=True)
class TradeStats:
    trades: int = 0
    wins: int = 0
    losses: int = 0
    win_rate: float | None = None  # wins / trades (net of fees; a scratch counts as a loss)
    expectancy_quote: float | None = None  # mean net P&L per trade
    expectancy_r: float | None = None  # mean R of the trades that had a stop
    profit_factor: float | None = None  # gross wins / gross losses (net of fees); None without losses
    avg_win_quote: float | None = None
    avg_loss_quote: float | None = None
    avg_ticks: float | None = None
    max_drawdown_quote: float = 0.0  # largest fall of the cumulative net P&L from a peak
    avg_hold_ns: float | None = None
    net_quote: float = 0.0
    fees_quote: float = 0.0
