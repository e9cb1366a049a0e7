"""Open interest from each venue, exact, in the instrument's quantity unit."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.core.events import OpenInterest
from app.venues.errors import MalformedMessage
from app.venues.registry import adapter

MS = 1_000_000
CASES = {
    "binance-usdm": (
        "BTCUSDT",
        {"openInterest": "10659.509", "symbol": "BTCUSDT", "time": 1589437530011},
        OpenInterest(1589437530011 * MS, 7, Decimal("10659.509")),
    ),
    "bybit-linear": (
        "BTCUSDT",
        {
            "topic": "tickers.BTCUSDT",
            "type": "delta",
            "ts": 1673853746003,
            "data": {"symbol": "BTCUSDT", "openInterest": "154464.221"},
        },
        OpenInterest(1673853746003 * MS, 7, Decimal("154464.221")),
    ),
    "okx-swap": (
        "BTC-USDT-SWAP",
        {
            "arg": {"channel": "open-interest", "instId": "BTC-USDT-SWAP"},
            "data": [
                {
                    "instType": "SWAP",
                    "instId": "BTC-USDT-SWAP",
                    "oi": "5000",
                    "oiCcy": "50",
                    "ts": "1597026383085",
                }
            ],
        },
        OpenInterest(1597026383085 * MS, 7, Decimal(5000)),
    ),
    "hyperliquid": (
        "BTC",
        {
            "channel": "activeAssetCtx",
            "data": {
                "coin": "BTC",
                "ctx": {
                    "markPx": "105050",
                    "oraclePx": "105049",
                    "funding": "0.00001",
                    "openInterest": "12345.67",
                },
            },
        },
        OpenInterest(7, 7, Decimal("12345.67")),
    ),
}


@pytest.mark.parametrize("venue", sorted(CASES))
def test_open_interest_decodes_exactly(venue):
    symbol, message, expected = CASES[venue]
    decoder = adapter(venue).decoder(adapter(venue).instrument(symbol))

    events = decoder.decode(json.dumps(message).replace(" ", "").encode(), 7)

    assert expected in list(events)


def test_binance_polls_open_interest_every_15_s():
    (poll,) = adapter("binance-usdm").polls("btcusdt")

    assert poll.request.url == "https://fapi.binance.com/fapi/v1/openInterest"
    assert poll.request.params == {"symbol": "BTCUSDT"} and poll.every_s == 15.0


def test_a_bad_open_interest_is_malformed():
    decoder = adapter("bybit-linear").decoder(adapter("bybit-linear").instrument("BTCUSDT"))
    bad = (
        b'{"topic":"tickers.BTCUSDT","type":"delta","ts":1,"data":{"symbol":"BTCUSDT","openInterest":"lots"}}'
    )

    with pytest.raises(MalformedMessage):
        decoder.decode(bad, 0)
