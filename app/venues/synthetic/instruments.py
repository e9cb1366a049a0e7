"""The synthetic market's instruments: a BTC-like perpetual by default, any grid on request.

There is no exchange to ask, so the "venue-native metadata" is the simulation's own: symbol, tick
and lot as decimal strings. A recording's sidecar carries that entry, so a replay rebuilds the
exact instrument a simulation ran on, whatever grid it was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.instrument import ContractKind, Instrument
from app.venues.errors import MalformedMessage

VENUE = "synthetic"
DEFAULT_SYMBOL = "BTC-SIM"

BUNDLED: dict[str, dict[str, Any]] = {
    DEFAULT_SYMBOL: {
        "symbol": DEFAULT_SYMBOL,
        "tick_size": "0.1",
        "lot_size": "0.001",
        "base_asset": "BTC",
        "quote_asset": "USDT",
    },
}


def instrument_from_meta(entry: Mapping[str, Any]) -> Instrument:
    try:
        symbol = str(entry["symbol"])
        tick = Decimal(str(entry["tick_size"]))
        lot = Decimal(str(entry["lot_size"]))
        base = str(entry.get("base_asset", ""))
        return Instrument(
            venue=VENUE,
            symbol=symbol,
            tick_size=tick,
            lot_size=lot,
            kind=ContractKind.LINEAR,
            base_asset=base,
            quote_asset=str(entry.get("quote_asset", "")),
            quantity_unit=base,
        )
    except (KeyError, TypeError, InvalidOperation, ValueError) as exc:
        raise MalformedMessage(
            f"synthetic instrument entry without symbol/tick_size/lot_size: {exc}"
        ) from exc


def metadata_of(instrument: Instrument) -> dict[str, Any]:
    """The entry `instrument_from_meta` rebuilds `instrument` from (for a recording's sidecar)."""
    return {
        "symbol": instrument.symbol,
        "tick_size": str(instrument.tick_size),
        "lot_size": str(instrument.lot_size),
        "base_asset": instrument.base_asset,
        "quote_asset": instrument.quote_asset,
    }
