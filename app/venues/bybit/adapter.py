"""Bybit v5 linear perpetuals behind the venue seam: one socket, the book from the socket itself.

A gap is repaired by subscribing again (the venue then sends a fresh snapshot), never by REST.
The client pings with `{"op":"ping"}` every 20 s, as Bybit recommends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.instrument import Instrument
from app.venues.base import GapAction, Keepalive, Poll, SnapshotRequest, StreamId, Subscription
from app.venues.bybit.decoder import KINDS, BybitDecoder
from app.venues.bybit.instruments import VENUE, bundled_table, instrument_from_info
from app.venues.bybit.sync import BybitBookSync
from app.venues.wire import entries, metadata_entry, number_at, quoted_after

WS_URL = "wss://stream.bybit.com/v5/public/linear"
REST_URL = "https://api.bybit.com"
BOOK_DEPTH = 200  # 100 ms pushes; 50 is faster and shallower, 1000 deeper and slower
KEEPALIVE = Keepalive(message='{"op":"ping"}', every_s=20.0)
_TOPIC = b'{"topic":"'


@dataclass(frozen=True, slots=True)
class BybitAdapter:
    @property
    def name(self) -> str:
        return VENUE

    @property
    def gap_action(self) -> GapAction:
        return GapAction.RESUBSCRIBE

    def known_symbols(self) -> list[str]:
        return sorted(bundled_table())

    def instrument(self, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
        return instrument_from_info(
            metadata_entry(bundled_table(), symbol, metadata, VENUE, "instruments-info")
        )

    def identify(self, message: Any) -> StreamId | None:
        topic = message.get("topic") if isinstance(message, dict) else None
        if not isinstance(topic, str) or "." not in topic or topic.split(".", 1)[0] not in KINDS:
            return None
        return StreamId(VENUE, topic.rsplit(".", 1)[1])

    def decoder(self, instrument: Instrument) -> BybitDecoder:
        return BybitDecoder(instrument)

    def book_sync(self, instrument: Instrument) -> BybitBookSync:
        return BybitBookSync()

    def subscriptions(self, symbol: str) -> Sequence[Subscription]:
        book, trades, ticker = (
            f"orderbook.{BOOK_DEPTH}.{symbol}",
            f"publicTrade.{symbol}",
            f"tickers.{symbol}",
        )
        liquidations = f"allLiquidation.{symbol}"
        topics = [book, trades, liquidations, ticker]
        message = {"op": "subscribe", "args": topics, "req_id": "scalpdesk"}
        quiet = {trades: 60.0, ticker: 30.0}  # prints on a slow market; tickers only on change
        return (
            Subscription(WS_URL, (message,), tuple(topics), KEEPALIVE, sparse=(liquidations,), quiet_s=quiet),
        )

    def stream_of(self, frame: bytes) -> str | None:
        return quoted_after(frame, _TOPIC)

    def snapshot_request(self, symbol: str) -> SnapshotRequest | None:
        return None  # the socket sends the snapshot on every (re)subscribe

    def polls(self, symbol: str) -> Sequence[Poll]:
        return ()  # open interest comes on the socket

    def instruments_request(self) -> SnapshotRequest:
        return SnapshotRequest(
            REST_URL + "/v5/market/instruments-info", {"category": "linear", "limit": "1000"}
        )

    def instruments_from(self, body: bytes) -> dict[str, Mapping[str, Any]]:
        return entries(body, ("result", "list"), "symbol")

    def time_request(self) -> SnapshotRequest:
        return SnapshotRequest(REST_URL + "/v5/market/time")

    def server_time_ns(self, body: bytes) -> int:
        return number_at(body, ("result", "timeNano"))


BYBIT_LINEAR = BybitAdapter()
