"""Session-long aggregates that only the replay summary reads: volume profile, VWAP, range.

No view or the paper desk reads them, so the live ingest does not build them; a market state
keeps them only when asked (`MarketState(..., summary=True)`), as `replay --summary` does.
"""

from __future__ import annotations

from app.core.instrument import Instrument
from app.core.profile import VolumeProfile
from app.core.tape import TradeColumns


class SummaryAggregates:
    """Whole-recording profile (buy/sell volume, VWAP, POC, value area), high/low, first print."""

    def __init__(self) -> None:
        self.profile = VolumeProfile(group_ticks=1)
        self.high_ticks: int | None = None
        self.low_ticks: int | None = None
        self.first_trade_ns: int | None = None

    def add_trades(self, batch: TradeColumns) -> None:
        """A chronological, non-empty batch of prints."""
        self.profile.add_trades(batch.price_ticks, batch.qty_lots, batch.side)
        hi = int(batch.price_ticks.max())
        lo = int(batch.price_ticks.min())
        self.high_ticks = hi if self.high_ticks is None else max(self.high_ticks, hi)
        self.low_ticks = lo if self.low_ticks is None else min(self.low_ticks, lo)
        if self.first_trade_ns is None:
            self.first_trade_ns = int(batch.exchange_ns[0])

    def vwap_str(self, instrument: Instrument, decimals: int = 4) -> str:
        return instrument.price_from_ratio(self.profile.sum_ticks_lots, self.profile.sum_lots, decimals)
