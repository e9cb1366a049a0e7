"""A made-up second venue goes through the venue seam and the source seam into a MarketState,
with no change outside app/venues: the adapter below is all a new venue writes.

Its wire format is nothing like Binance's: prints come in arrays (as Bybit, OKX and Hyperliquid
send them) and the book comes as whole images without sequence numbers (as Hyperliquid sends it).
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.core.events import DepthDiff, DepthSnapshot, MarketEvent, Side, Trade
from app.core.instrument import Instrument
from app.feeds.replay import ReplayError, run_replay, summarize
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import MarketSource, SourceState
from app.venues.base import (
    BookSync,
    Decoder,
    GapAction,
    Poll,
    SnapshotRequest,
    StreamId,
    Subscription,
    VenueAdapter,
)
from app.venues.errors import MalformedMessage, UnknownInstrument
from app.venues.registry import ADAPTERS, identify, registered

TOY_LINES = [
    '{"toy":"book","sym":"XYZ","t":1000,"bids":[["10.4","3"],["10.3","5"]],"asks":[["10.5","2"]]}',
    '{"toy":"prints","sym":"XYZ","t":1001,"p":[["10.5","2","b",1],["10.5","1","b",2],["10.4","1","s",3]]}',
    '{"toy":"hello"}',
    '{"toy":"book","sym":"XYZ","t":1002,"bids":[["10.4","2"]],"asks":[["10.6","4"],["10.7","1"]]}',
    '{"toy":"prints","sym":"XYZ","t":1003,"p":[["10.6","0.5","b",4]]}',
    '{"toy":"prints","sym":"XYZ","t":1004,"p":[["10.65","1","b",5]]}',  # off the tick grid
]


class ToyDecoder:
    latest_value_marker: bytes | None = None

    def __init__(self, instrument: Instrument) -> None:
        self._ticks = instrument.price_ticks
        self._lots = instrument.qty_lots

    def decode(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]:
        msg = json.loads(raw)
        exchange_ns = msg.get("t", 0) * 1_000_000
        try:
            if msg["toy"] == "prints":
                return [
                    Trade(
                        exchange_ns,
                        receive_ns,
                        self._ticks[p],
                        self._lots[q],
                        Side.BUY if s == "b" else Side.SELL,
                        i,
                    )
                    for p, q, s, i in msg["p"]
                ]
            if msg["toy"] == "book":
                bids = [(self._ticks[p], self._lots[q]) for p, q in msg["bids"]]
                asks = [(self._ticks[p], self._lots[q]) for p, q in msg["asks"]]
                return [DepthSnapshot(exchange_ns, receive_ns, msg["t"], bids, asks)]
        except ValueError as exc:
            raise MalformedMessage(str(exc)) from exc
        return ()


class ImageSync:
    """Every image is the whole book: always accepted, never a gap."""

    def __init__(self) -> None:
        self.applied = 0
        self.dropped_before_sync = 0
        self.gaps = 0
        self.resyncs = 0

    @property
    def needs_snapshot(self) -> bool:
        return False

    def on_diff(self, diff: DepthDiff) -> list[DepthDiff]:
        return []

    def on_snapshot(self, snapshot: DepthSnapshot) -> list[DepthDiff] | None:
        self.applied += 1
        return []


class ToyAdapter:
    name = "toy"
    gap_action = GapAction.NONE

    def known_symbols(self) -> list[str]:
        return ["XYZ"]

    def instrument(self, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
        if symbol != "XYZ":
            raise UnknownInstrument(f"unknown symbol {symbol!r} on toy")
        return Instrument(venue="toy", symbol="XYZ", tick_size=Decimal("0.1"), lot_size=Decimal("0.5"))

    def identify(self, message: Any) -> StreamId | None:
        if isinstance(message, dict) and isinstance(message.get("sym"), str) and "toy" in message:
            return StreamId("toy", message["sym"])
        return None

    def decoder(self, instrument: Instrument) -> Decoder:
        return ToyDecoder(instrument)

    def book_sync(self, instrument: Instrument) -> BookSync:
        return ImageSync()

    def subscriptions(self, symbol: str) -> Sequence[Subscription]:
        return (Subscription("wss://toy.invalid/ws", ({"sub": symbol},), ("prints", "book")),)

    def snapshot_request(self, symbol: str) -> SnapshotRequest | None:
        return None

    def stream_of(self, frame: bytes) -> str | None:
        return "book" if b'"book"' in frame[:20] else "prints"

    def polls(self, symbol: str) -> Sequence[Poll]:
        return ()

    def instruments_request(self) -> SnapshotRequest:
        return SnapshotRequest("https://toy.invalid/instruments")

    def instruments_from(self, body: bytes) -> dict[str, Mapping[str, Any]]:
        return {"XYZ": {}}

    def time_request(self) -> SnapshotRequest | None:
        return None

    def server_time_ns(self, body: bytes) -> int:
        raise MalformedMessage("no clock")


def write_recording(path: Path, lines: list[str]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i, line in enumerate(lines):
            fh.write(f"{1_000_000_000 + i * 1_000_000} {line}\n")
    return path


def test_toy_adapter_satisfies_the_venue_protocol():
    adapter: VenueAdapter = ToyAdapter()  # mypy checks the shape; this checks it at run time too

    assert adapter.name == "toy"
    assert adapter.identify({"toy": "book", "sym": "XYZ"}) == StreamId("toy", "XYZ")


def test_toy_recording_replays_into_a_market_state_identified_without_a_sidecar(tmp_path):
    path = write_recording(tmp_path / "xyz.gz", TOY_LINES)

    with registered(ToyAdapter()):
        session = run_replay([path])

    market = session.market
    assert session.instrument.venue == "toy"
    assert market.tape.total == 4  # three prints from one message, one from another
    assert market.book.best_bid == 104 and market.book.best_ask == 106  # the second image replaced the first
    assert market.book.bids == {104: 4}
    assert market.cvd.cvd_lots == (4 + 2 - 2) + 1  # lots of 0.5: +2 +1 -1 +0.5 base
    assert session.pipeline.counters.messages == 6
    assert session.pipeline.counters.malformed == 1  # the off-grid print is counted and dropped
    assert session.pipeline.counters.ignored == 1  # the hello carries no event


def test_toy_summary_reads_like_any_venue(tmp_path):
    path = write_recording(tmp_path / "xyz.gz", TOY_LINES)

    with registered(ToyAdapter()):
        summary = summarize(run_replay([path]))

    assert (summary["venue"], summary["symbol"], summary["trades"]) == ("toy", "XYZ", 4)
    assert (summary["buy_volume"], summary["sell_volume"]) == ("3.5", "1.0")  # in the lot grid's decimals
    assert (summary["high"], summary["low"]) == ("10.6", "10.4")
    assert summary["book"]["best_ask"] == "10.6"


def test_an_unregistered_venue_is_not_recognised_and_the_replay_says_so(tmp_path):
    path = write_recording(tmp_path / "xyz.gz", TOY_LINES)

    with registered(ToyAdapter()):
        assert "toy" in ADAPTERS
    assert "toy" not in ADAPTERS
    assert identify({"toy": "book", "sym": "XYZ"}) is None
    with pytest.raises(ReplayError, match="cannot tell venue and symbol"):
        run_replay([path])


def test_toy_recording_plays_through_the_source_seam_like_any_replay(tmp_path):
    path = write_recording(tmp_path / "xyz.gz", TOY_LINES)
    seen: list[int] = []

    with registered(ToyAdapter()):
        feed = ReplayFeed([path], speed=100, scan_end=False)
        source: MarketSource = feed
        source.subscribe_batches(lambda market, _ns: seen.append(market.tape.total))
        asyncio.run(source.run())

    assert source.binding.instrument.venue == "toy"
    assert source.title == "XYZ replay · xyz.gz"
    assert seen[-1] == 4 and source.binding.market.book.best_ask == 106
    assert source.status().state is SourceState.FINISHED
    assert (source.status().messages, source.status().malformed) == (6, 1)
