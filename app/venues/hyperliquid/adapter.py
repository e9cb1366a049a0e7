"""Hyperliquid perpetuals behind the venue seam: one socket, JSON subscriptions, images, no gaps.

Both book subscriptions are taken — the 20-level image and the 5-level `fast` one — and merged
by the book sync (sync.py). There is no public liquidation stream, so none is subscribed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.instrument import Instrument
from app.venues.base import GapAction, Keepalive, SnapshotRequest, StreamId, Subscription
from app.venues.errors import UnknownInstrument
from app.venues.hyperliquid.decoder import HyperliquidDecoder
from app.venues.hyperliquid.instruments import VENUE, bundled_table, instrument_from_meta
from app.venues.hyperliquid.sync import ImageBookSync

WS_URL = "wss://api.hyperliquid.xyz/ws"
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
        entry = metadata if metadata is not None else bundled_table().get(symbol)
        if entry is None:
            raise UnknownInstrument(
                f"unknown coin {symbol!r} on {VENUE} (bundled: {', '.join(self.known_symbols())}; "
                "add a sidecar <recording>.json with its meta entry)"
            )
        return instrument_from_meta(entry)

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
        return (Subscription(WS_URL, messages, ("trades", "l2Book", "activeAssetCtx"), KEEPALIVE),)

    def stream_of(self, frame: bytes) -> str | None:
        if not frame.startswith(_CHANNEL_PREFIX):
            return None
        end = frame.find(b'"', len(_CHANNEL_PREFIX))
        return frame[len(_CHANNEL_PREFIX) : end].decode() if end > 0 else None

    def snapshot_request(self, symbol: str) -> SnapshotRequest | None:
        return None  # the socket sends whole books


HYPERLIQUID = HyperliquidAdapter()
