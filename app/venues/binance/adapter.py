"""Binance USD-M and COIN-M futures behind the venue seam: one adapter per market.

Live market data is split by URL path since 2026-04-23: depth and BBO on `/public`, trades, mark
price and liquidations on `/market`. A socket on the wrong path connects and acknowledges but
delivers nothing, so each path is its own `Subscription` and each stream is named, for the
feed's per-stream silence watchdog. COIN-M (`dstream`) has no split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.instrument import Instrument
from app.core.units import NS_PER_MS
from app.venues.base import GapAction, Poll, SnapshotRequest, StreamId, Subscription
from app.venues.binance.decoder import BinanceDecoder
from app.venues.binance.instruments import (
    BinanceMarket,
    bundled_table,
    instrument_from_exchange_info,
    symbol_from_stream,
)
from app.venues.binance.sync import BinanceBookSync
from app.venues.wire import entries, metadata_entry, number_at, quoted_after

_BOOK_STREAMS = ("depth@0ms", "bookTicker")
_MARKET_STREAMS = ("trade", "markPrice@1s", "forceOrder")
SNAPSHOT_LIMIT = "1000"
_STREAM_PREFIX = b'{"stream":"'  # combined-stream frames start with their stream name
LIFETIME_S = 24 * 3600  # Binance closes every connection after 24 h
TRADES_QUIET_S = 60.0  # a slow market may print nothing for a minute
OPEN_INTEREST_EVERY_S = 15.0  # REST weight 1: well inside the limits


@dataclass(frozen=True, slots=True)
class _Endpoints:
    ws: str
    rest: str
    api: str  # "/fapi/v1" (USD-M) or "/dapi/v1" (COIN-M)
    split_paths: bool


_ENDPOINTS = {
    BinanceMarket.USDM: _Endpoints("wss://fstream.binance.com", "https://fapi.binance.com", "/fapi/v1", True),
    BinanceMarket.COINM: _Endpoints(
        "wss://dstream.binance.com", "https://dapi.binance.com", "/dapi/v1", False
    ),
}


def _message_symbol(msg: Any) -> str | None:
    """The symbol a combined-stream envelope or a raw payload names, if it is Binance-shaped."""
    if not isinstance(msg, dict):
        return None
    stream = msg.get("stream")
    if isinstance(stream, str) and "@" in stream:
        return symbol_from_stream(stream)
    data = msg.get("data", msg)
    if isinstance(data, dict) and isinstance(data.get("e"), str) and isinstance(data.get("s"), str):
        return str(data["s"]).upper()
    return None


def _socket(base_url: str, streams: tuple[str, ...]) -> Subscription:
    """A combined-stream socket: the streams are named in the URL, so nothing is sent on it.
    Liquidations come only when they happen: their silence says nothing about the socket."""
    sparse = tuple(s for s in streams if s.endswith("@forceOrder"))
    quiet = {s: TRADES_QUIET_S for s in streams if s.endswith("@trade")}
    url = f"{base_url}?streams={'/'.join(streams)}"
    return Subscription(url, streams=streams, max_lifetime_s=LIFETIME_S, sparse=sparse, quiet_s=quiet)


@dataclass(frozen=True, slots=True)
class BinanceAdapter:
    """One Binance futures market (USD-M or COIN-M)."""

    market: BinanceMarket

    @property
    def name(self) -> str:
        return self.market.value

    @property
    def gap_action(self) -> GapAction:
        return GapAction.REST_SNAPSHOT

    def known_symbols(self) -> list[str]:
        return sorted(bundled_table(self.market))

    def instrument(self, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
        entry = metadata_entry(bundled_table(self.market), symbol, metadata, self.name, "exchangeInfo")
        return instrument_from_exchange_info(entry, self.market)

    def identify(self, message: Any) -> StreamId | None:
        symbol = _message_symbol(message)
        if symbol is None or BinanceMarket.for_symbol(symbol) is not self.market:
            return None
        return StreamId(self.name, symbol)

    def decoder(self, instrument: Instrument) -> BinanceDecoder:
        return BinanceDecoder(instrument)

    def book_sync(self, instrument: Instrument) -> BinanceBookSync:
        return BinanceBookSync()

    def subscriptions(self, symbol: str) -> Sequence[Subscription]:
        ends = _ENDPOINTS[self.market]
        low = symbol.lower()
        book = tuple(f"{low}@{s}" for s in _BOOK_STREAMS)
        rest = tuple(f"{low}@{s}" for s in _MARKET_STREAMS)
        if not ends.split_paths:
            both = book + rest
            return (_socket(f"{ends.ws}/stream", both),)
        return (_socket(f"{ends.ws}/public/stream", book), _socket(f"{ends.ws}/market/stream", rest))

    def stream_of(self, frame: bytes) -> str | None:
        return quoted_after(frame, _STREAM_PREFIX)

    def snapshot_request(self, symbol: str) -> SnapshotRequest:
        ends = _ENDPOINTS[self.market]
        return SnapshotRequest(
            f"{ends.rest}{ends.api}/depth", {"symbol": symbol.upper(), "limit": SNAPSHOT_LIMIT}
        )

    def polls(self, symbol: str) -> Sequence[Poll]:
        ends = _ENDPOINTS[self.market]
        request = SnapshotRequest(f"{ends.rest}{ends.api}/openInterest", {"symbol": symbol.upper()})
        return (Poll(request, OPEN_INTEREST_EVERY_S),)

    def instruments_request(self) -> SnapshotRequest:
        ends = _ENDPOINTS[self.market]
        return SnapshotRequest(f"{ends.rest}{ends.api}/exchangeInfo")

    def instruments_from(self, body: bytes) -> dict[str, Mapping[str, Any]]:
        return entries(body, ("symbols",), "symbol")

    def time_request(self) -> SnapshotRequest:
        ends = _ENDPOINTS[self.market]
        return SnapshotRequest(f"{ends.rest}{ends.api}/time")

    def server_time_ns(self, body: bytes) -> int:
        return number_at(body, ("serverTime",)) * NS_PER_MS


USDM = BinanceAdapter(BinanceMarket.USDM)
COINM = BinanceAdapter(BinanceMarket.COINM)
