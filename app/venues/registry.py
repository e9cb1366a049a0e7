"""The venues the app knows, as a mapping of adapters, and the lookups every source uses.

Live feeds and replays both come through here, so a recording is parsed exactly as the live
stream it was recorded from. Adding a venue is one line in `_BUILT_IN`; tests add a venue of
their own for a while with `registered(adapter)`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from app.core.instrument import Instrument
from app.venues import binance, bybit, hyperliquid, okx, synthetic
from app.venues.base import StreamId, VenueAdapter
from app.venues.errors import UnknownInstrument

_BUILT_IN: tuple[VenueAdapter, ...] = (
    binance.USDM,
    binance.COINM,
    bybit.BYBIT_LINEAR,
    okx.OKX_SWAP,
    hyperliquid.HYPERLIQUID,
    synthetic.SYNTHETIC,
)
_OFFLINE = frozenset({synthetic.SYNTHETIC.name})
"""Venues without a server (the simulated market): known to replays, not offered as live markets."""
_adapters: dict[str, VenueAdapter] = {a.name: a for a in _BUILT_IN}

ADAPTERS: Mapping[str, VenueAdapter] = MappingProxyType(_adapters)
"""Venue name -> adapter (read-only view; it follows `registered`)."""


ALIASES = {"binance": "binance-usdm", "bybit": "bybit-linear", "okx": "okx-swap"}
"""Short names a user may type for the perpetual-futures market of a venue."""


def venues() -> tuple[str, ...]:
    """The venues a live market can be opened on (`--venue`, the market picker)."""
    return tuple(name for name in _adapters if name not in _OFFLINE)


def adapter(venue: str) -> VenueAdapter:
    """The adapter for a venue name (or a short alias such as `bybit`)."""
    try:
        return _adapters[ALIASES.get(venue.lower(), venue.lower())]
    except KeyError:
        raise UnknownInstrument(f"unknown venue {venue!r} (known: {', '.join(_adapters)})") from None


@contextmanager
def registered(extra: VenueAdapter) -> Iterator[VenueAdapter]:
    """Make one more venue known while the block runs (a test's toy venue, a plug-in)."""
    if extra.name in _adapters:
        raise ValueError(f"venue {extra.name!r} is already registered")
    _adapters[extra.name] = extra
    try:
        yield extra
    finally:
        del _adapters[extra.name]


def known_symbols(venue: str) -> list[str]:
    found = _adapters.get(venue)
    return found.known_symbols() if found is not None else []


def resolve_instrument(venue: str, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
    """Instrument for venue/symbol: from venue-native `metadata` when given, else the bundled table."""
    return adapter(venue).instrument(symbol, metadata)


def identify(message: Any) -> StreamId | None:
    """Venue and symbol of one JSON-decoded message: the first adapter that recognises it."""
    for candidate in _adapters.values():
        found = candidate.identify(message)
        if found is not None:
            return found
    return None
