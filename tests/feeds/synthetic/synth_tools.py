"""Generating synthetic sessions and reading them back through the real decoder, for the tests."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import BookTicker, DepthDiff, DepthSnapshot, Liquidation, MarketEvent, Trade
from app.core.signals.kinds import SignalKind
from app.core.units import NS_PER_S
from app.feeds.synthetic.stream import Played, SyntheticConfig, SyntheticMarket
from app.venues.synthetic import SYNTHETIC

INSTRUMENT = SYNTHETIC.instrument("BTC-SIM")


def generate(config: SyntheticConfig, seconds: float) -> tuple[SyntheticMarket, list[bytes]]:
    market = SyntheticMarket(config)
    end_ns = config.start_ns + int(seconds * NS_PER_S)
    lines: list[bytes] = []
    for batch in market.batches():
        lines += batch
        if market.sim.now_ns >= end_ns:
            return market, lines
    raise AssertionError("unreachable: the stream is endless")


def decode_all(lines: list[bytes]) -> list[MarketEvent]:
    decoder = SYNTHETIC.decoder(INSTRUMENT)
    out: list[MarketEvent] = []
    for line in lines:
        stamp, _, payload = line.partition(b" ")
        out += decoder.decode(payload, int(stamp))
    return out


@dataclass
class Session:
    played: Played
    events: list[MarketEvent]
    lines: list[bytes]

    @property
    def trades(self) -> list[Trade]:
        return [e for e in self.events if isinstance(e, Trade)]

    def trades_between(self, t0_ns: int, t1_ns: int) -> list[Trade]:
        return [t for t in self.trades if t0_ns <= t.exchange_ns <= t1_ns]

    @property
    def diffs(self) -> list[DepthDiff]:
        return [e for e in self.events if isinstance(e, DepthDiff)]

    @property
    def tickers(self) -> list[BookTicker]:
        return [e for e in self.events if isinstance(e, BookTicker)]

    @property
    def liquidations(self) -> list[Liquidation]:
        return [e for e in self.events if isinstance(e, Liquidation)]

    @property
    def snapshot(self) -> DepthSnapshot:
        first = self.events[0]
        assert isinstance(first, DepthSnapshot)
        return first

    def book_at(self, t_ns: int) -> tuple[dict[int, int], dict[int, int]]:
        """The book as the stream has it after every depth message published at or before t_ns."""
        bids = dict(self.snapshot.bids)
        asks = dict(self.snapshot.asks)
        for diff in self.diffs:
            if diff.exchange_ns > t_ns:
                break
            for side, levels in ((bids, diff.bids), (asks, diff.asks)):
                for price, lots in levels:
                    if lots:
                        side[price] = lots
                    else:
                        side.pop(price, None)
        return bids, asks


def play(kind: SignalKind, seed: int, random_params: bool = True, at_s: float = 3.0) -> Session:
    """One scenario at `at_s` into a fresh session, and 2 s of market after it ended."""
    config = SyntheticConfig(seed=seed, plan=((kind, int(at_s * NS_PER_S)),), random_params=random_params)
    market = SyntheticMarket(config)
    lines: list[bytes] = []
    for batch in market.batches():
        lines += batch
        if market.played and market.sim.now_ns > (market.played[0].label.end_ns or 0) + 2 * NS_PER_S:
            break
    return Session(market.played[0], decode_all(lines), lines)
