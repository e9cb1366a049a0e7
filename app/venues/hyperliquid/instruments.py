"""Hyperliquid coins as instruments: size step 10^-szDecimals, and a chosen price step.

Hyperliquid prices have at most 5 significant figures and `6 - szDecimals` decimals, so there is
no fixed tick. From venue metadata alone the finest step that any valid price can sit on is used
(10^-(6 - szDecimals)); the bundled table names the step that fits the coin's current price
range instead, so the ladder has no empty rows. A print off that grid (the coin moved into
another range) is counted as malformed, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from app.core.instrument import ContractKind, Instrument
from app.venues.errors import MalformedMessage

VENUE = "hyperliquid"


@cache
def bundled_table() -> dict[str, dict[str, Any]]:
    text = resources.files("app.venues.hyperliquid").joinpath("instruments.json").read_text("utf-8")
    return {e["name"]: e for e in json.loads(text)["universe"]}


def instrument_from_meta(entry: Mapping[str, Any]) -> Instrument:
    try:
        name = str(entry["name"])
        sz_decimals = int(entry["szDecimals"])
        tick = (
            Decimal(str(entry["tickSize"])) if "tickSize" in entry else Decimal(1).scaleb(-(6 - sz_decimals))
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise MalformedMessage(f"meta universe entry without name/szDecimals: {exc}") from exc
    return Instrument(
        venue=VENUE,
        symbol=name,
        tick_size=tick.normalize(),
        lot_size=Decimal(1).scaleb(-sz_decimals),
        kind=ContractKind.LINEAR,
        base_asset=name,
        quote_asset="USDC",
        quantity_unit=name,
    )
