"""OKX v5 perpetual swaps behind the venue seam: one public socket, the book from the socket.

Keepalive is text: `ping` once the socket has been idle for 20 s (OKX closes it after 30 s of
silence). A gap is repaired by subscribing again; `snapshot_request` names the REST book for the
announced snapshot-less mode. Liquidations are subscribed by instrument type, not instrument.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.instrument import Instrument
from app.core.units import NS_PER_MS
from app.venues.base import GapAction, Keepalive, Poll, SnapshotRequest, StreamId, Subscription
from app.venues.okx.decoder import OkxDecoder
from app.venues.okx.instruments import VENUE, bundled_table, instrument_from_info
from app.venues.okx.sync import OkxBookSync
from app.venues.wire import entries, metadata_entry, number_at, quoted_after

WS_URL = "wss://ws.okx.com:8443/ws/v5/public"
REST_BOOKS = "https://www.okx.com/api/v5/market/books"
REST_INSTRUMENTS = "https://www.okx.com/api/v5/public/instruments"
KEEPALIVE = Keepalive(message="ping", every_s=20.0, idle_only=True)
CHANNELS = ("books", "trades", "mark-price", "funding-rate", "open-interest")
_CHANNEL = b'{"arg":{"channel":"'
_INST = b'"instId":"'
_TYPE = b'"instType":"'


@dataclass(frozen=True, slots=True)
class OkxAdapter:
    @property
    def name(self) -> str:
        return VENUE

    @property
    def gap_action(self) -> GapAction:
        return GapAction.RESUBSCRIBE

    def known_symbols(self) -> list[str]:
        return sorted(bundled_table())

    def instrument(self, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
        return instrument_from_info(metadata_entry(bundled_table(), symbol, metadata, VENUE, "instruments"))

    def identify(self, message: Any) -> StreamId | None:
        arg = message.get("arg") if isinstance(message, dict) else None
        inst = arg.get("instId") if isinstance(arg, dict) else None
        if not isinstance(inst, str) or not inst.endswith("-SWAP") or "data" not in message:
            return None
        return StreamId(VENUE, inst)

    def decoder(self, instrument: Instrument) -> OkxDecoder:
        return OkxDecoder(instrument)

    def book_sync(self, instrument: Instrument) -> OkxBookSync:
        return OkxBookSync()

    def subscriptions(self, symbol: str) -> Sequence[Subscription]:
        args: list[dict[str, str]] = [{"channel": c, "instId": symbol} for c in CHANNELS]
        args.append({"channel": "liquidation-orders", "instType": "SWAP"})
        streams = tuple(f"{c}:{symbol}" for c in CHANNELS)
        return (
            Subscription(
                WS_URL,
                ({"op": "subscribe", "args": args},),
                (*streams, "liquidation-orders:SWAP"),
                KEEPALIVE,
                # funding every 30–90 s, liquidations when they happen: not watched; an unchanged
                # book sends a heartbeat only every ~60 s, the mark price every 10 s
                sparse=("liquidation-orders:SWAP", f"funding-rate:{symbol}"),
                quiet_s={
                    f"books:{symbol}": 75.0,
                    f"trades:{symbol}": 60.0,
                    f"mark-price:{symbol}": 30.0,
                    f"open-interest:{symbol}": 30.0,
                },
            ),
        )

    def stream_of(self, frame: bytes) -> str | None:
        """`books:BTC-USDT-SWAP` for a books push; None for events and `pong`."""
        channel = quoted_after(frame, _CHANNEL)
        if channel is None:
            return None
        at = frame.find(_INST, len(_CHANNEL), 120)
        marker = _INST
        if at < 0:
            at, marker = frame.find(_TYPE, len(_CHANNEL), 120), _TYPE
        if at < 0:
            return channel
        key = quoted_after(frame[at:], marker)
        return f"{channel}:{key}" if key else channel

    def snapshot_request(self, symbol: str) -> SnapshotRequest | None:
        return SnapshotRequest(REST_BOOKS, {"instId": symbol, "sz": "400"})

    def polls(self, symbol: str) -> Sequence[Poll]:
        return ()  # everything comes on the socket

    def instruments_request(self) -> SnapshotRequest:
        return SnapshotRequest(REST_INSTRUMENTS, {"instType": "SWAP"})

    def instruments_from(self, body: bytes) -> dict[str, Mapping[str, Any]]:
        return entries(body, ("data",), "instId")

    def time_request(self) -> SnapshotRequest:
        return SnapshotRequest("https://www.okx.com/api/v5/public/time")

    def server_time_ns(self, body: bytes) -> int:
        return number_at(body, ("data", 0, "ts")) * NS_PER_MS


OKX_SWAP = OkxAdapter()
