"""The ingest pipeline: raw lines -> venue decoder -> book sync -> market state, one batch at a time.

Live feeds, replays and benchmarks all push their lines through `IngestPipeline.feed`, so what a
replay shows is what the live app would have shown. It is the hottest loop in the app: locals
are bound once per batch, and prints are gathered and applied to tape, bars, CVD and profile once
per batch rather than once per print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import gt, methodcaller

from app.core.bbo_check import BboCheck
from app.core.events import (
    BookTicker,
    DepthDiff,
    DepthSnapshot,
    Liquidation,
    MarketEvent,
    MarkPrice,
    OpenInterest,
    Trade,
)
from app.core.market import MarketState
from app.core.tape import TradeColumns
from app.venues.base import BookSync, Decoder
from app.venues.errors import MalformedMessage


@dataclass
class IngestCounters:
    """What the feed has seen; the status bar and the replay summary read these."""

    messages: int = 0
    malformed: int = 0
    ignored: int = 0
    conflated: int = 0  # superseded latest-value messages never decoded
    last_error: str = ""  # the newest malformed message's reason, for the status bar


_MARKER_WINDOW = 96  # a stream name sits at the start of a line


class IngestPipeline:
    """Decodes and applies batches of `<receive ns> <json>` lines to one market state."""

    def __init__(
        self,
        decoder: Decoder,
        sync: BookSync,
        market: MarketState,
        bbo_check: BboCheck | None = None,
        conflate: bool = True,
    ) -> None:
        self.decoder = decoder
        self.sync = sync
        self.market = market
        self.bbo_check = bbo_check
        self.conflate = conflate
        self.counters = IngestCounters()
        self._gathered: list[Trade] = []  # this batch's prints not yet applied (a depth log's place)

    def _malformed(self, exc: Exception) -> None:
        self.counters.malformed += 1
        self.counters.last_error = str(exc)[:200]

    def feed(self, lines: list[bytes]) -> None:
        """One batch of recorded/received lines `b"<receive ns> <payload>"`.

        Prints are gathered and applied once at the end of the batch; book diffs go through the
        sync one by one, in order, since each depends on the last. The exchange's own BBO ticker
        is a latest-value stream: without a BBO check only the batch's newest ticker line is
        decoded at all (conflation — the older ones could never be shown), with a check every
        ticker is decoded and checked. A decoder with a ticker fast path (`TopDecoder`) hands
        those tickers over as plain ints, and only the newest becomes an event. A message may
        carry several events (a venue's array of prints): they are taken in the order the venue
        sent them.
        """
        decode = self.decoder.decode
        check = self.bbo_check
        trades: list[Trade] = []
        self._gathered = trades
        add_trade = trades.append
        ticker: BookTicker | None = None
        ticker_line: bytes | None = None  # the newest ticker taken by the fast path
        tops: list[int] = []  # every ticker's id and top, TOP_STRIDE ints each, in arrival order
        ignored = 0
        marker = self.decoder.latest_value_marker
        decode_top: Callable[[bytes, list[int]], bool] | None = getattr(self.decoder, "decode_top", None)
        todo = lines
        found: Iterable[int] = repeat(-1)  # per line of `todo`: >= 0 for a fast-path ticker line
        conflated = 0
        if marker is not None and (decode_top is not None or (check is None and self.conflate)):
            # where the marker sits in each line, in one C-level pass (-1: not a ticker line)
            at = list(map(methodcaller("find", marker, 0, _MARKER_WINDOW), lines))
            if check is None and self.conflate:
                keep = list(map(gt, repeat(0), at))  # every line but the tickers...
                tickers = len(keep) - sum(keep)
                if tickers:
                    keep[len(keep) - 1 - keep[::-1].index(False)] = True  # ...and the newest ticker
                    conflated = tickers - 1
                    todo = list(compress(lines, keep))
            else:
                found = at
        for line, place in zip(todo, found, strict=False):  # `found` may be an endless repeat
            if place >= 0 and decode_top(line, tops):  # type: ignore[misc]
                ticker_line = line
                continue
            try:
                stamp, _, payload = line.partition(b" ")
                events = decode(payload, int(stamp))
            except (ValueError, MalformedMessage, RecursionError) as exc:  # a bad stamp: ValueError
                self._malformed(exc)
                continue
            if not events:
                ignored += 1
                continue
            for event in events:
                kind = type(event)
                if kind is BookTicker:
                    ticker = event  # type: ignore[assignment]
                    ticker_line = None
                    tops += event[2:7]  # type: ignore[arg-type]
                elif kind is Trade:
                    add_trade(event)  # type: ignore[arg-type]
                elif kind is DepthDiff:
                    ready = self.sync.on_diff(event)  # type: ignore[arg-type]
                    if ready:
                        self._apply_diffs(ready)
                else:
                    self._handle(event)
        self.counters.messages += len(lines)
        self.counters.ignored += ignored
        self.counters.conflated += conflated
        if ticker_line is not None:  # the fast path accepted it, so `decode` gives its event
            stamp, _, payload = ticker_line.partition(b" ")
            ticker = decode(payload, int(stamp))[0]  # type: ignore[assignment]
        if ticker is not None:
            self.market.apply_ticker(ticker)
        if check is not None and tops:
            check.on_tops(tops)
        if trades:
            self._flush_trades(trades)

    def _flush_trades(self, trades: list[Trade]) -> None:
        self.market.apply_trades(TradeColumns.from_rows(trades))

    def _apply_diffs(self, diffs: list[DepthDiff]) -> None:
        market = self.market
        book = market.book
        check = self.bbo_check
        gathered = len(self._gathered)
        for diff in diffs:
            market.apply_diff(diff, gathered)
            if check is not None:
                bid = book.best_bid
                ask = book.best_ask
                check.on_book(
                    diff.last_id,
                    (bid, 0 if bid is None else book.bids[bid], ask, 0 if ask is None else book.asks[ask]),
                )

    def _handle(self, event: MarketEvent) -> None:
        """The low-rate events: snapshots, mark price, liquidations."""
        kind = type(event)
        if kind is DepthSnapshot:
            snapshot: DepthSnapshot = event  # type: ignore[assignment]
            ready = self.sync.on_snapshot(snapshot)
            if ready is not None:
                self.market.load_snapshot(snapshot, len(self._gathered))
                self._apply_diffs(ready)
        elif kind is OpenInterest:
            self.market.apply_open_interest(event)  # type: ignore[arg-type]
        elif kind is MarkPrice:
            self.market.apply_mark(event)  # type: ignore[arg-type]
        elif kind is Liquidation:
            self.market.apply_liquidation(event)  # type: ignore[arg-type]
