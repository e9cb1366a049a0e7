"""A scripted market for the detectors: prints, book changes and liquidations applied in the order
given, the engine run over them at the end (or after each step, for batching stories)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.core.events import DepthDiff, DepthSnapshot, Level, Liquidation, Trade
from app.core.instrument import Instrument
from app.core.market import MarketState
from app.core.signals.engine import SignalEngine, SignalSettings
from app.core.signals.flow import ScaleSettings
from app.core.signals.kinds import Signal, SignalKind
from app.core.tape import TradeColumns

T0 = 1_723_075_200_000_000_000  # 2024-08-08 00:00 UTC
MS = 1_000_000
S = 1_000 * MS
INSTRUMENT = Instrument("binance-usdm", "BTCUSDT", Decimal("0.1"), Decimal("0.001"))
FAST_SCALE = ScaleSettings(quantile=0.9, window_orders=100, refresh_orders=10, min_orders=10)


@dataclass
class Script:
    kinds: frozenset[SignalKind]
    settings: SignalSettings = field(default_factory=SignalSettings)
    market: MarketState = field(init=False)
    engine: SignalEngine = field(init=False)
    found: list[Signal] = field(default_factory=list)

    def __post_init__(self) -> None:
        from dataclasses import replace

        self.market = MarketState(INSTRUMENT)
        self.engine = SignalEngine(self.market, replace(self.settings, enabled=self.kinds, scale=FAST_SCALE))

    def trade(self, ts: int, price: int, qty: int, side: int) -> Script:
        """One print (prints with the same ts and side make one aggressor order)."""
        self.market.apply_trades(TradeColumns.from_rows([Trade(ts, ts, price, qty, side, 0)]))
        return self

    def snapshot(self, ts: int, bids: list[Level], asks: list[Level]) -> Script:
        self.market.load_snapshot(DepthSnapshot(ts, ts, 1, bids, asks))
        return self

    def diff(self, ts: int, bids: list[Level], asks: list[Level]) -> Script:
        self.market.apply_diff(DepthDiff(ts, ts, 2, 2, 1, bids, asks))
        return self

    def liquidation(self, ts: int, side: int, price: int = 1000, qty: int = 10) -> Script:
        self.market.apply_liquidation(Liquidation(ts, ts, side, price, qty, Decimal(price), qty))
        return self

    def warm(self, n: int = 20, qty: int = 10, ts: int = T0 - 100 * S) -> Script:
        """`n` orders of `qty` at scattered prices, far in time: the typical order size is `qty`."""
        for i in range(n):
            self.trade(ts + i * S, 500 + 10 * i, qty, 1 if i % 2 else -1)
        return self

    def step(self) -> list[Signal]:
        new = self.engine.on_batch(self.market)
        self.found += new
        return new

    def run(self) -> list[Signal]:
        self.step()
        self.found += self.engine.flush()
        return self.found
