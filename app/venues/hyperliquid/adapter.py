"""Hyperliquid perpetuals behind the venue seam: one socket, JSON subscriptions, images, no gaps.

Both book subscriptions are taken — the 20-level image and the 5-level `fast` one — and merged
by the book sync (sync.py). There is no public liquidation stream, so none is subscribed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.instrument import Instrument
from app.venues.base import GapAction, Keepalive, Poll, SnapshotRequest, StreamId, Subscription
from app.venues.errors import MalformedMessage
from app.venues.hyperliquid.decoder import HyperliquidDecoder
from app.venues.hyperliquid.instruments import VENUE, bundled_table, instrument_from_meta
from app.venues.hyperliquid.sync import ImageBookSync
from app.venues.wire import entries, metadata_entry, quoted_after

WS_URL = "wss://api.hyperliquid.xyz/ws"
INFO_URL = "https://api.hyperliquid.xyz/info"
KEEPALIVE = Keepalive(message='{"method":"ping"}', every_s=50.0)  # the server closes after 60 s idle
_CHANNEL_PREFIX = b'{"channel":"'


@dataclass(frozen=True, slots=True)
class HyperliquidAdapter:
    @property
    def name(self) -> str:
        return VENUE

    @property
    def gap_action(self) -> GapAction:
        return GapAction.NONE

    def known_symbols(self) -> list[str]:
        return sorted(bundled_table())

    def instrument(self, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
        return instrument_from_meta(metadata_entry(bundled_table(), symbol, metadata, VENUE, "meta universe"))

    def identify(self, message: Any) -> StreamId | None:
        if not isinstance(message, dict) or message.get("channel") not in (
            "l2Book",
            "trades",
            "activeAssetCtx",
        ):
            return None
        data = message.get("data")
        if isinstance(data, list) and data and isinstance(data[0], dict):
            data = data[0]
        coin = data.get("coin") if isinstance(data, dict) else None
        return StreamId(VENUE, coin) if isinstance(coin, str) else None

    def decoder(self, instrument: Instrument) -> HyperliquidDecoder:
        return HyperliquidDecoder(instrument)

    def book_sync(self, instrument: Instrument) -> ImageBookSync:
        return ImageBookSync()

    def subscriptions(self, symbol: str) -> Sequence[Subscription]:
        subs: tuple[dict[str, Any], ...] = (
            {"type": "trades", "coin": symbol},
            {"type": "l2Book", "coin": symbol},
            {"type": "l2Book", "coin": symbol, "fast": True},
            {"type": "activeAssetCtx", "coin": symbol},
        )
        messages = tuple({"method": "subscribe", "subscription": s} for s in subs)
        quiet = {"trades": 60.0, "activeAssetCtx": 30.0}
        return (
            Subscription(WS_URL, messages, ("trades", "l2Book", "activeAssetCtx"), KEEPALIVE, quiet_s=quiet),
        )

    def stream_of(self, frame: bytes) -> str | None:
        return quoted_after(frame, _CHANNEL_PREFIX)

    def snapshot_request(self, symbol: str) -> SnapshotRequest | None:
        return None  # the socket sends whole books

    def polls(self, symbol: str) -> Sequence[Poll]:
        return ()  # open interest comes on the socket

    def instruments_request(self) -> SnapshotRequest:
        return SnapshotRequest(INFO_URL, method="POST", body={"type": "meta"})

    def instruments_from(self, body: bytes) -> dict[str, Mapping[str, Any]]:
        return entries(body, ("universe",), "name")

    def time_request(self) -> SnapshotRequest | None:
        return None  # no time endpoint: latency stays receive - exchange time, uncorrected

    def server_time_ns(self, body: bytes) -> int:
        raise MalformedMessage("Hyperliquid has no time endpoint")


HYPERLIQUID = HyperliquidAdapter()
