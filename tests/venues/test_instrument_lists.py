"""Each venue's instrument list, in its documented shape, gives the entries `instrument` takes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.venues.errors import MalformedMessage
from app.venues.registry import adapter

LISTS = {
    "binance-usdm": {
        "symbols": [
            {
                "symbol": "SOLUSDT",
                "baseAsset": "SOL",
                "quoteAsset": "USDT",
                "filters": [
                    {"filterType": "PRICE_FILTER", "tickSize": "0.0100"},
                    {"filterType": "LOT_SIZE", "stepSize": "1"},
                ],
            }
        ]
    },
    "bybit-linear": {
        "retCode": 0,
        "result": {
            "category": "linear",
            "list": [
                {
                    "symbol": "SOLUSDT",
                    "baseCoin": "SOL",
                    "quoteCoin": "USDT",
                    "priceFilter": {"tickSize": "0.010"},
                    "lotSizeFilter": {"qtyStep": "0.1"},
                }
            ],
        },
    },
    "okx-swap": {
        "code": "0",
        "data": [
            {
                "instId": "SOL-USDT-SWAP",
                "ctType": "linear",
                "ctVal": "1",
                "ctMult": "1",
                "tickSz": "0.01",
                "lotSz": "0.01",
            }
        ],
    },
    "hyperliquid": {"universe": [{"name": "DOGE", "szDecimals": 0, "maxLeverage": 10}]},
}
SYMBOL = {
    "binance-usdm": "SOLUSDT",
    "bybit-linear": "SOLUSDT",
    "okx-swap": "SOL-USDT-SWAP",
    "hyperliquid": "DOGE",
}


@pytest.mark.parametrize("venue", sorted(LISTS))
def test_an_instrument_list_answer_builds_the_instrument(venue):
    venue_adapter = adapter(venue)

    listed = venue_adapter.instruments_from(json.dumps(LISTS[venue]).encode())
    inst = venue_adapter.instrument(SYMBOL[venue], listed[SYMBOL[venue]])

    assert inst.venue == venue and inst.symbol == SYMBOL[venue]
    assert inst.tick_size > 0 and inst.lot_size > 0
    assert venue_adapter.instruments_request().url.startswith("https://")


def test_hyperliquid_lists_by_post_with_a_json_body():
    request = adapter("hyperliquid").instruments_request()

    assert (request.method, request.body) == ("POST", {"type": "meta"})
    assert adapter("hyperliquid").instrument("DOGE", {"name": "DOGE", "szDecimals": 0}).tick_size == Decimal(
        "0.000001"
    )


@pytest.mark.parametrize("venue", sorted(LISTS))
def test_an_answer_of_the_wrong_shape_is_malformed(venue):
    with pytest.raises(MalformedMessage):
        adapter(venue).instruments_from(b'{"unexpected": true}')
