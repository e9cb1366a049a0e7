"""OKX SWAP instruments: quantities are contracts; a contract is `ctVal × ctMult` of `ctValCcy`
(the base coin for linear swaps, USD for inverse ones)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from app.core.instrument import ContractKind, Instrument
from app.venues.errors import MalformedMessage

VENUE = "okx-swap"


@cache
def bundled_table() -> dict[str, dict[str, Any]]:
    text = resources.files("app.venues.okx").joinpath("instruments.json").read_text("utf-8")
    return {e["instId"]: e for e in json.loads(text)["data"]}


def instrument_from_info(entry: Mapping[str, Any]) -> Instrument:
    try:
        inst_id = str(entry["instId"])
        inverse = entry["ctType"] == "inverse"
        multiplier = Decimal(str(entry["ctVal"])) * Decimal(str(entry.get("ctMult", "1")))
        tick = Decimal(str(entry["tickSz"])).normalize()
        lot = Decimal(str(entry["lotSz"])).normalize()
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise MalformedMessage(f"instruments entry without ctType/ctVal/tickSz/lotSz: {exc}") from exc
    base, _, rest = inst_id.partition("-")
    return Instrument(
        venue=VENUE,
        symbol=inst_id,
        tick_size=tick,
        lot_size=lot,
        kind=ContractKind.INVERSE if inverse else ContractKind.LINEAR,
        contract_multiplier=multiplier.normalize(),
        base_asset=base,
        quote_asset=rest.partition("-")[0],
        quantity_unit="contracts",
    )
