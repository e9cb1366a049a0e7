"""Which venue and instrument a stream belongs to, and the parser and book sync for it.

Live feeds and replays both come through here, so a recording is parsed exactly as the live
stream it was recorded from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from app.core.instrument import Instrument
from app.venues.binance import (
    BinanceDecoder,
    BinanceMarket,
    instrument_from_exchange_info,
    symbol_from_stream,
)
from app.venues.binance_sync import BinanceBookSync
from app.venues.errors import UnknownInstrument

VENUES = tuple(m.value for m in BinanceMarket)


@dataclass(frozen=True, slots=True)
class StreamId:
    venue: str
    symbol: str


@cache
def _bundled_table() -> dict[str, dict[str, Any]]:
    text = resources.files("app.venues").joinpath("data/binance_instruments.json").read_text("utf-8")
    doc = json.loads(text)
    return {venue: {e["symbol"]: e for e in doc[venue]["symbols"]} for venue in VENUES}


def known_symbols(venue: str) -> list[str]:
    return sorted(_bundled_table().get(venue, {}))


def resolve_instrument(venue: str, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
    """Instrument for venue/symbol: from venue-native `metadata` when given, else the bundled table."""
    if venue not in VENUES:
        raise UnknownInstrument(f"unknown venue {venue!r} (known: {', '.join(VENUES)})")
    market = BinanceMarket(venue)
    entry = metadata if metadata is not None else _bundled_table()[venue].get(symbol)
    if entry is None:
        known = ", ".join(known_symbols(venue))
        raise UnknownInstrument(
            f"unknown symbol {symbol!r} on {venue} (bundled: {known}; "
            "add a sidecar <recording>.json with its exchangeInfo entry)"
        )
    return instrument_from_exchange_info(entry, market)


def identify(msg: Any) -> StreamId | None:
    """Venue and symbol of one decoded message, when the message itself says so."""
    if not isinstance(msg, dict):
        return None
    stream = msg.get("stream")
    if isinstance(stream, str) and "@" in stream:
        symbol = symbol_from_stream(stream)
        return StreamId(BinanceMarket.for_symbol(symbol).value, symbol)
    data = msg.get("data", msg)
    if isinstance(data, dict) and isinstance(data.get("e"), str) and isinstance(data.get("s"), str):
        symbol = data["s"].upper()
        return StreamId(BinanceMarket.for_symbol(symbol).value, symbol)
    return None


def decoder_for(instrument: Instrument) -> BinanceDecoder:
    return BinanceDecoder(instrument)


def book_sync_for(instrument: Instrument) -> BinanceBookSync:
    return BinanceBookSync()
