"""The synthetic market behind the venue seam, so simulated lines take the path real ones take.

The simulation (app/feeds/synthetic/) speaks its own line format (messages.py); this adapter is
what makes it a venue like any other: identify, decoder, book sync, instruments. Its lines then go
through the same IngestPipeline, book sync, BBO check, recorder and replay as Binance's, and a
recorded synthetic session replays with the normal `scalpdesk replay FILE`.

There is no server: no subscriptions, no REST snapshot (the stream starts with a book message),
no clock to ask. The book rule is "the stream sends the snapshot, each diff names the previous
diff's last id" — Bybit's rule exactly, so its sync is used rather than written again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.instrument import Instrument
from app.venues.base import GapAction, Poll, SnapshotRequest, StreamId, Subscription
from app.venues.bybit.sync import BybitBookSync
from app.venues.errors import MalformedMessage
from app.venues.synthetic.decoder import SyntheticDecoder
from app.venues.synthetic.instruments import BUNDLED, VENUE, instrument_from_meta
from app.venues.wire import entries, metadata_entry, quoted_after

_TAG_PREFIX = b'{"sim":"'


@dataclass(frozen=True, slots=True)
class SyntheticAdapter:
    @property
    def name(self) -> str:
        return VENUE

    @property
    def gap_action(self) -> GapAction:
        return GapAction.NONE  # nothing to re-fetch from: a gap is a bug, counted and shown

    def known_symbols(self) -> list[str]:
        return sorted(BUNDLED)

    def instrument(self, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
        return instrument_from_meta(metadata_entry(BUNDLED, symbol, metadata, VENUE, "simulation"))

    def identify(self, message: Any) -> StreamId | None:
        if isinstance(message, dict) and isinstance(message.get("sim"), str):
            symbol = message.get("s")
            if isinstance(symbol, str):
                return StreamId(VENUE, symbol)
        return None

    def decoder(self, instrument: Instrument) -> SyntheticDecoder:
        return SyntheticDecoder(instrument)

    def book_sync(self, instrument: Instrument) -> BybitBookSync:
        return BybitBookSync()

    def subscriptions(self, symbol: str) -> Sequence[Subscription]:
        return ()  # generated in-process, never received

    def stream_of(self, frame: bytes) -> str | None:
        return quoted_after(frame, _TAG_PREFIX)

    def snapshot_request(self, symbol: str) -> SnapshotRequest | None:
        return None

    def polls(self, symbol: str) -> Sequence[Poll]:
        return ()

    def instruments_request(self) -> SnapshotRequest:
        return SnapshotRequest("synthetic://instruments")  # no server; `instruments_from` reads the shape

    def instruments_from(self, body: bytes) -> dict[str, Mapping[str, Any]]:
        return entries(body, ("instruments",), "symbol")

    def time_request(self) -> SnapshotRequest | None:
        return None

    def server_time_ns(self, body: bytes) -> int:
        raise MalformedMessage("the synthetic market has no clock to ask")


SYNTHETIC = SyntheticAdapter()
