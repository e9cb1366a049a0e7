"""One instrument's market state: book, tape, footprint bars, CVD, profile, context.

Every view and the paper broker read this one object, so there is exactly one truth about the
market. Writers apply events in batches (one per event-loop wake-up); each write marks which
part changed, and the frame clock repaints only the views whose part changed since their last
paint (docs/ARCHITECTURE.md, "From socket to pixel").
"""

from __future__ import annotations

from typing import Protocol

from app.core.book import OrderBook
from app.core.delta import CumulativeDelta
from app.core.events import BookTicker, DepthDiff, DepthSnapshot, Liquidation, MarkPrice, OpenInterest
from app.core.footprint import BarSpec, FootprintSeries
from app.core.instrument import Instrument
from app.core.profile import VolumeProfile
from app.core.sessions import SessionSchedule
from app.core.summary_aggregates import SummaryAggregates
from app.core.tape import DEFAULT_CAPACITY, Tape, TradeColumns

DepthChange = tuple[int, DepthDiff | DepthSnapshot]
"""One applied depth event and where it fell among the prints: (prints before it, the event).

"Prints before it" is the absolute tape index of the first print received after it (the tape's
total plus the prints the pipeline had gathered but not yet flushed when it applied the event),
so a reader can interleave depth changes and prints exactly in the order they were applied,
however the lines were cut into batches."""


class DepthSink(Protocol):
    """Where a depth watcher's changes go: a list, or a reader's own compact store."""

    def append(self, change: DepthChange, /) -> None: ...


class Changed:
    """Bits for which part of the market state a batch touched.

    Plain int bits rather than an enum.Flag: they are or-ed in on every message, and Flag
    arithmetic costs microseconds where an int costs nanoseconds.
    """

    NONE = 0
    BOOK = 1
    TAPE = 2
    BARS = 4
    CVD = 8
    CONTEXT = 16  # ticker BBO, mark price, funding, liquidations
    ACCOUNT = 32  # the paper account: orders, fills, position (set by the trading desk)
    SIGNALS = 64  # new order-flow signals, or the list restarted (set by app/ui/signal_wiring.py)
    # finer CONTEXT bits (set with it), so that a view showing only these is not woken by every BBO
    LIQUIDATIONS = 128
    DERIVATIVES = 256  # mark price, funding, open interest
    ALL = BOOK | TAPE | BARS | CVD | CONTEXT | ACCOUNT | SIGNALS | LIQUIDATIONS | DERIVATIVES


class MarketState:
    """Aggregates for one instrument, fed by the ingest pipeline."""

    def __init__(
        self,
        instrument: Instrument,
        bar_spec: BarSpec | None = None,
        sessions: SessionSchedule | None = None,
        tape_capacity: int = DEFAULT_CAPACITY,
        max_liquidations: int = 10_000,
        *,
        summary: bool = False,
    ) -> None:
        """`summary`: also keep the session-long aggregates `replay --summary` prints."""
        self.instrument = instrument
        self.sessions = sessions or SessionSchedule()
        self.book = OrderBook()
        self.tape = Tape(tape_capacity)
        self.bars = FootprintSeries(bar_spec or BarSpec.time(60), sessions=self.sessions)
        self.cvd = CumulativeDelta(self.sessions)
        self.ticker: BookTicker | None = None
        self.mark: MarkPrice | None = None
        self.open_interest: OpenInterest | None = None
        self.liquidations: list[Liquidation] = []
        self._max_liquidations = max_liquidations
        self.summary = SummaryAggregates() if summary else None
        self.last_trade_ns: int | None = None
        self.changed: int = Changed.NONE
        # the logs of readers that replay the depth changes between prints (the paper exchange);
        # empty almost always, so the writers pay one truth test per depth event
        self._depth_logs: list[DepthSink] = []

    # -- writers ---------------------------------------------------------------------------

    def apply_trades(self, batch: TradeColumns) -> None:
        """A chronological batch of prints: tape, bars, CVD (and the summary aggregates if kept)."""
        if batch.size == 0:
            return
        self.tape.extend(batch)
        self.bars.add_trades(batch.exchange_ns, batch.price_ticks, batch.qty_lots, batch.side)
        self.cvd.add_trades(batch.exchange_ns, batch.qty_lots, batch.side)
        if self.summary is not None:
            self.summary.add_trades(batch)
        self.last_trade_ns = int(batch.exchange_ns[-1])
        self.changed |= Changed.TAPE | Changed.BARS | Changed.CVD

    def load_snapshot(self, snapshot: DepthSnapshot, gathered_prints: int = 0) -> None:
        """`gathered_prints`: prints received before it that the caller has not yet applied."""
        self.book.load(snapshot.bids, snapshot.asks, snapshot.update_id, snapshot.exchange_ns)
        self.changed |= Changed.BOOK
        if self._depth_logs:
            self._log((self.tape.total + gathered_prints, snapshot))

    def apply_diff(self, diff: DepthDiff, gathered_prints: int = 0) -> None:
        """`gathered_prints`: prints received before it that the caller has not yet applied."""
        self.book.apply(diff.bids, diff.asks, diff.last_id, diff.exchange_ns)
        self.changed |= Changed.BOOK
        if self._depth_logs:
            self._log((self.tape.total + gathered_prints, diff))

    def _log(self, change: DepthChange) -> None:
        for log in self._depth_logs:
            log.append(change)

    def watch_depth(self) -> list[DepthChange]:
        """A new log that every depth event applied from now on is appended to, in order.

        The reader empties it as it reads (`del log[:]`) and calls `unwatch_depth` when done:
        while nobody watches, writing depth costs nothing extra."""
        log: list[DepthChange] = []
        self._depth_logs.append(log)
        return log

    def watch_depth_with(self, sink: DepthSink) -> None:
        """As `watch_depth`, into the reader's own sink (the signal engine keeps a compact copy)."""
        self._depth_logs.append(sink)

    def unwatch_depth(self, log: DepthSink) -> None:
        self._depth_logs = [other for other in self._depth_logs if other is not log]

    def apply_ticker(self, ticker: BookTicker) -> None:
        self.ticker = ticker
        self.changed |= Changed.CONTEXT

    def apply_mark(self, mark: MarkPrice) -> None:
        self.mark = mark
        self.changed |= Changed.CONTEXT | Changed.DERIVATIVES

    def apply_open_interest(self, oi: OpenInterest) -> None:
        self.open_interest = oi
        self.changed |= Changed.CONTEXT | Changed.DERIVATIVES

    def apply_liquidation(self, liquidation: Liquidation) -> None:
        self.liquidations.append(liquidation)
        if len(self.liquidations) > self._max_liquidations:
            del self.liquidations[: len(self.liquidations) // 2]
        self.changed |= Changed.CONTEXT | Changed.LIQUIDATIONS

    # -- readers ---------------------------------------------------------------------------

    def take_changes(self) -> int:
        """What changed since the last call (the frame clock calls this once per frame)."""
        changed, self.changed = self.changed, Changed.NONE
        return changed

    def _summary(self) -> SummaryAggregates:
        if self.summary is None:
            raise AttributeError("summary aggregates not kept: build MarketState(..., summary=True)")
        return self.summary

    # the summary's figures under the names they had on the market state
    @property
    def profile(self) -> VolumeProfile:
        return self._summary().profile

    @property
    def buy_lots(self) -> int:
        return self._summary().profile.buy_lots

    @property
    def sell_lots(self) -> int:
        return self._summary().profile.sell_lots

    @property
    def high_ticks(self) -> int | None:
        return self._summary().high_ticks

    @property
    def low_ticks(self) -> int | None:
        return self._summary().low_ticks

    @property
    def first_trade_ns(self) -> int | None:
        return self._summary().first_trade_ns

    def vwap_str(self, decimals: int = 4) -> str:
        return self._summary().vwap_str(self.instrument, decimals)
