"""The registry is a mapping of venue adapters; a test or plug-in can add one for a while."""

from __future__ import annotations

import pytest

from app.venues import binance
from app.venues.errors import UnknownInstrument
from app.venues.registry import ADAPTERS, adapter, known_symbols, registered, venues


def test_the_built_in_venues():
    assert venues() == ("binance-usdm", "binance-coinm", "bybit-linear", "okx-swap", "hyperliquid")
    assert ADAPTERS["binance-usdm"] is binance.USDM
    assert "BTCUSDT" in known_symbols("binance-usdm")


def test_unknown_venue_lists_the_known_ones():
    with pytest.raises(UnknownInstrument, match=r"kraken.*binance-usdm, .*, hyperliquid"):
        adapter("kraken")
    assert known_symbols("kraken") == []


def test_a_registered_venue_is_known_only_inside_the_block():
    class Other(binance.BinanceAdapter):
        @property
        def name(self) -> str:
            return "other"

    with registered(Other(binance.USDM.market)) as extra:
        assert adapter("other") is extra
        assert venues()[-1] == "other"
    assert "other" not in ADAPTERS


def test_a_venue_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="already registered"), registered(binance.USDM):
        pass
    assert ADAPTERS["binance-usdm"] is binance.USDM


def test_short_venue_names_mean_the_perpetual_futures_market():
    assert adapter("bybit").name == "bybit-linear"
    assert adapter("OKX").name == "okx-swap"
    assert adapter("binance").name == "binance-usdm"
