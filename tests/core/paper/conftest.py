"""A scripted market for the paper exchange: a book you set, prints you choose, a clock you move."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pytest

from app.core.events import DepthDiff, DepthSnapshot
from app.core.instrument import Instrument
from app.core.market import MarketState
from app.core.paper.commands import Command
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, FillConfig, RiskLimits
from app.core.paper.events import OrderOpened, PaperEvent
from app.core.paper.exchange import PaperExchange
from app.core.paper.orders import Order, OrderStatus
from app.core.paper.reducer import PaperState
from app.core.paper.risk import RiskGuard
from app.core.sessions import SessionSchedule
from app.core.tape import TradeColumns

T0 = 1_723_075_200_000_000_000  # 2024-08-08 00:00 UTC
MS = 1_000_000

INSTRUMENT = Instrument("binance-usdm", "BTCUSDT", Decimal("0.1"), Decimal("0.001"))


@dataclass
class ScriptedMarket:
    exchange: PaperExchange
    market: MarketState = field(default_factory=lambda: MarketState(INSTRUMENT))
    now_ns: int = T0
    events: list[PaperEvent] = field(default_factory=list)
    _trade_id: int = 0
    _update_id: int = 1

    def book(self, bids: Sequence[tuple[int, int]], asks: Sequence[tuple[int, int]]) -> None:
        """Replace the whole book (a snapshot)."""
        self._update_id += 1
        snapshot = DepthSnapshot(self.now_ns, self.now_ns, self._update_id, list(bids), list(asks))
        self.market.load_snapshot(snapshot)

    def levels(self, bids: Sequence[tuple[int, int]] = (), asks: Sequence[tuple[int, int]] = ()) -> None:
        """Absolute sizes for some levels (0 removes), like an exchange depth update."""
        self._update_id += 1
        uid = self._update_id
        self.market.apply_diff(DepthDiff(self.now_ns, self.now_ns, uid, uid, uid - 1, list(bids), list(asks)))

    def prints(self, *trades: tuple[int, int, int]) -> list[PaperEvent]:
        """(price, qty, side) prints, 1 ms apart, then one exchange step."""
        self.trades(*trades)
        return self.step()

    def trades(self, *trades: tuple[int, int, int]) -> None:
        """(price, qty, side) prints, 1 ms apart, in the batch the next step hands over."""
        rows = []
        for price, qty, side in trades:
            self.now_ns += MS
            self._trade_id += 1
            rows.append((self.now_ns, self.now_ns, price, qty, side, self._trade_id))
        self.market.apply_trades(TradeColumns.from_rows(rows))

    def later(self, ms: int) -> None:
        """Market time moves on inside the batch (no exchange step)."""
        self.now_ns += ms * MS

    def wait(self, ms: int) -> list[PaperEvent]:
        self.now_ns += ms * MS
        return self.step()

    def step(self) -> list[PaperEvent]:
        out = self.exchange.on_market(self.market, self.now_ns)
        self.events += out
        return out

    def send(self, command: Command) -> list[PaperEvent]:
        out = self.exchange.send(command, self.now_ns)
        self.events += out
        return out


def make_exchange(
    latency_ms: int = 0,
    brackets: Sequence[BracketTemplate] = DEFAULT_BRACKETS,
    limits: RiskLimits | None = None,
    **fill: object,
) -> PaperExchange:
    config = FillConfig(latency_ms=latency_ms, **fill)  # type: ignore[arg-type]
    limits = limits or RiskLimits(daily_loss_quote=None)
    return PaperExchange(INSTRUMENT, config, brackets, limits, SessionSchedule())


@pytest.fixture
def sim() -> ScriptedMarket:
    """Book 999/1000 bid, 1001/1002 ask (ticks), zero latency, no risk limits, first print at 1000."""
    s = ScriptedMarket(make_exchange())
    s.book(bids=[(1000, 5), (999, 10), (998, 20)], asks=[(1001, 4), (1002, 10), (1003, 20)])
    s.prints((1000, 1, -1))
    return s


def make_state(
    bids: Sequence[tuple[int, int]] = ((1000, 5), (999, 10)),
    asks: Sequence[tuple[int, int]] = ((1001, 4), (1002, 10)),
    limits: RiskLimits | None = None,
    brackets: Sequence[BracketTemplate] = DEFAULT_BRACKETS,
    **fill: object,
) -> PaperState:
    """A bare paper state bound to a market with the given book: for the parts behind the facade."""
    config = FillConfig(latency_ms=0, **fill)  # type: ignore[arg-type]
    risk = RiskGuard(limits or RiskLimits(daily_loss_quote=None), SessionSchedule())
    state = PaperState(INSTRUMENT, config, {b.name: b for b in brackets}, risk)
    market = MarketState(INSTRUMENT)
    market.load_snapshot(DepthSnapshot(T0, T0, 1, list(bids), list(asks)))
    state.market = market
    return state


def working(state: PaperState, order: Order) -> Order:
    """Put a working order straight on the state, as if it had arrived long ago."""
    order = replace(order, status=OrderStatus.WORKING)
    state.emit(OrderOpened(T0, order))
    return order
