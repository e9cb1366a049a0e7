"""Bybit linear instruments: tick from `priceFilter.tickSize`, lot from `lotSizeFilter.qtyStep`;
sizes are in the base coin (multiplier 1)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from app.core.instrument import ContractKind, Instrument
from app.venues.errors import MalformedMessage

VENUE = "bybit-linear"


@cache
def bundled_table() -> dict[str, dict[str, Any]]:
    text = resources.files("app.venues.bybit").joinpath("instruments.json").read_text("utf-8")
    return {e["symbol"]: e for e in json.loads(text)["list"]}


def instrument_from_info(entry: Mapping[str, Any]) -> Instrument:
    try:
        tick = Decimal(entry["priceFilter"]["tickSize"]).normalize()
        lot = Decimal(entry["lotSizeFilter"]["qtyStep"]).normalize()
        symbol = str(entry["symbol"])
        base = str(entry.get("baseCoin", ""))
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise MalformedMessage(f"instruments-info entry without priceFilter/lotSizeFilter: {exc}") from exc
    return Instrument(
        venue=VENUE,
        symbol=symbol,
        tick_size=tick,
        lot_size=lot,
        kind=ContractKind.LINEAR,
        base_asset=base,
        quote_asset=str(entry.get("quoteCoin", "")),
        quantity_unit=base,
    )
