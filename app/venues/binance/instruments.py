"""Binance futures instruments: which market a symbol is on, and Instrument from exchangeInfo.

The bundled table (`instruments.json`, a trimmed `GET /fapi/v1/exchangeInfo` and
`/dapi/v1/exchangeInfo`) lets a recording or an offline start resolve its instrument; a live feed
passes the venue's own metadata instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any

from app.core.instrument import ContractKind, Instrument
from app.venues.errors import MalformedMessage


class BinanceMarket(Enum):
    """Which Binance futures market; the value is the venue name used across the app."""

    USDM = "binance-usdm"
    COINM = "binance-coinm"

    @staticmethod
    def for_symbol(symbol: str) -> BinanceMarket:
        """COIN-M symbols carry a suffix (BTCUSD_PERP, BTCUSD_260925); USD-M perps do not."""
        upper = symbol.upper()
        if "_" in upper and upper.split("_", 1)[0].endswith("USD"):
            return BinanceMarket.COINM
        return BinanceMarket.USDM


def symbol_from_stream(stream: str) -> str:
    """`btcusdt@depth@0ms` -> `BTCUSDT`."""
    return stream.split("@", 1)[0].upper()


def instrument_from_exchange_info(entry: Mapping[str, Any], market: BinanceMarket) -> Instrument:
    """One `symbols[]` entry of exchangeInfo -> Instrument (tick from PRICE_FILTER, lot from LOT_SIZE)."""
    try:
        filters = {f["filterType"]: f for f in entry["filters"]}
        tick = Decimal(filters["PRICE_FILTER"]["tickSize"]).normalize()
        lot = Decimal(filters["LOT_SIZE"]["stepSize"]).normalize()
        symbol = str(entry["symbol"])
        base = str(entry.get("baseAsset", ""))
        quote = str(entry.get("quoteAsset", ""))
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise MalformedMessage(f"exchangeInfo entry without price/lot filters: {exc}") from exc
    if market is BinanceMarket.COINM:
        return Instrument(
            venue=market.value,
            symbol=symbol,
            tick_size=tick,
            lot_size=lot,
            kind=ContractKind.INVERSE,
            contract_multiplier=Decimal(str(entry.get("contractSize", 1))),
            base_asset=base,
            quote_asset=quote,
            quantity_unit="contracts",
        )
    return Instrument(
        venue=market.value,
        symbol=symbol,
        tick_size=tick,
        lot_size=lot,
        kind=ContractKind.LINEAR,
        base_asset=base,
        quote_asset=quote,
        quantity_unit=base,
    )


def instruments_from_exchange_info(doc: Mapping[str, Any], market: BinanceMarket) -> dict[str, Instrument]:
    """All symbols of an exchangeInfo response, keyed by symbol."""
    try:
        entries = doc["symbols"]
    except (KeyError, TypeError) as exc:
        raise MalformedMessage("exchangeInfo without 'symbols'") from exc
    return {i.symbol: i for i in (instrument_from_exchange_info(e, market) for e in entries)}


@cache
def bundled_table(market: BinanceMarket) -> dict[str, dict[str, Any]]:
    """The bundled exchangeInfo `symbols[]` entries of one market, keyed by symbol."""
    text = resources.files("app.venues.binance").joinpath("instruments.json").read_text("utf-8")
    doc = json.loads(text)
    return {e["symbol"]: e for e in doc[market.value]["symbols"]}
